import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  TableNode,
  UnknownRow,
} from 'kysely';
import { OperationNodeTransformer } from 'kysely';
import { tableNames } from '../schema.ts';

class PrefixTransformer extends OperationNodeTransformer {
  readonly #prefix: string;
  readonly #names: ReadonlySet<string>;
  constructor(prefix: string) {
    super();
    this.#prefix = prefix;
    this.#names = new Set<string>(tableNames);
  }
  protected override transformTable(
    node: TableNode,
    queryId?: Parameters<OperationNodeTransformer['transformNode']>[1],
  ): TableNode {
    const transformed = super.transformTable(node, queryId);
    const name = transformed.table.identifier.name;
    if (!this.#names.has(name)) return transformed; // `excluded`, the migration tables, …
    return {
      ...transformed,
      table: {
        ...transformed.table,
        identifier: { ...transformed.table.identifier, name: `${this.#prefix}${name}` },
      },
    };
  }
}

/** Prefixes the store's logical table names (`users` → `ssokit_users`) in every query. */
export class TablePrefixPlugin implements KyselyPlugin {
  readonly #transformer: PrefixTransformer;
  constructor(prefix: string) {
    this.#transformer = new PrefixTransformer(prefix);
  }
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node, args.queryId);
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
