// The CLIENT LIST / CLIENT INFO line and client-type names, which live in clients/client-info.ts
// (the ACL log below the handlers needs the same line).

export { clientInfoLine, clientKindByName } from '../../clients/client-info.js';
