export * from './errors.js';
export * from './validate.js';
export * from './wire.js';
export * from './routes.js';
export * from './frames.js';
export * from './help.js';
export * from './scheduling.js';
export * from './attachments.js';
