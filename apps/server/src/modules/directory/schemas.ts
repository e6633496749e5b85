// The directory module's request schemas live in packages/contracts (shared with the web apps).
export * from '@qingnang/contracts/api/directory-requests';
