export { startEsSecurityProxy } from './server';
export { parseRolesYaml, RolesFileError } from './roles-yaml';
export type {
  Denial,
  EsSecurityProxy,
  EsSecurityProxyOptions,
  ProxyUser,
  RoleDescriptor,
} from './types';
