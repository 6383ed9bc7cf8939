export * from './errors.js';
export * from './model.js';
export * from './events.js';
export * from './http.js';
export * from './show-files.js';
export * from './rate-limits.js';
export * from './display.js';
export * from './tls.js';
