/**
 * `@ssokit/config`: what operators already write, turned into validated ssokit connections.
 *
 * @packageDocumentation
 */
export type {
  AccessTokenValidationSettings,
  ArthurConfig,
  ArthurLoadOptions,
  OidcConnectionInput,
} from './arthur.ts';
export { ARTHUR_CONNECTION_ID, loadArthurConfig } from './arthur.ts';
export type { ConnectionInput, ImportedConnection, ImportOptions, SecretField } from './connection.ts';
export { exportConnection, importConnection, secretFields } from './connection.ts';
export { connectionToForm } from './form-edit.ts';
export type {
  ConnectionForm,
  FormDescription,
  FormField,
  FormFieldKind,
  FormIssue,
  FormOption,
  FormRegisterValue,
  FormSection,
  FormSectionId,
  FormValue,
  FormValues,
  MetadataMode,
  RegisterKey,
} from './form-types.ts';
export { formDescriptions, formIssues, formToConnection } from './forms.ts';
export type { Preset, PresetResult } from './presets.ts';
export { oidcPresets, presets, samlPresets } from './presets.ts';
export type { LayerFields, SettingsLayer } from './settings-layer.ts';
export { fileSettings, WANDB_CONNECTION_ID, wandbSettings } from './settings-layer.ts';
export type {
  MergedSettings,
  RestoreMode,
  SettingSource,
  WandbEnv,
  WandbEnvOptions,
  WandbOidcDefaults,
  WandbOidcFields,
  WandbVariable,
} from './wandb.ts';
export { loadWandbEnv, mergeSettings, startRestoreMode } from './wandb.ts';
