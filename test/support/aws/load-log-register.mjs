// `node --import tsx --import ./load-log-register.mjs script.ts`: records the modules `script` loads.
import { register } from 'node:module';

register('./load-log-hooks.mjs', import.meta.url);
