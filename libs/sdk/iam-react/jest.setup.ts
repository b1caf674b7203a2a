// jsdom has no TextEncoder/TextDecoder; jose (loaded by @sigma/iam-js) needs them at import.
import { TextDecoder, TextEncoder } from 'node:util';

Object.assign(globalThis, { TextEncoder, TextDecoder });
