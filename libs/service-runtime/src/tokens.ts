/** Injection tokens for what the runtime builds before Nest and hands to the service's modules. */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const MESSAGE_TRANSPORT = Symbol('MESSAGE_TRANSPORT');
