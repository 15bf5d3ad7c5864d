/**
 * The part of oidc-client-ts the kit uses, as its own module so the lazy chunk holds only this (bundlers tree-shake
 * a named static import, not a dynamic `import()` of the whole package). Loaded on demand by protocol.ts.
 */
export { InMemoryWebStorage, OidcClient, WebStorageStateStore } from 'oidc-client-ts';
