import { memoryStorage } from './index.ts';
import { memoryRawReader, runStorageConformance } from './testkit/index.ts';

runStorageConformance({ name: 'memoryStorage()', create: () => memoryStorage(), raw: memoryRawReader });
