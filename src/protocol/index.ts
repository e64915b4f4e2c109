export * from './errors.js';
export * from './validate.js';
export * from './wire.js';
