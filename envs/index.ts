/**
 * Built-in env registrations: one line per env. Each env's own index.ts registers it lazily, so
 * importing this file loads no heavy module (sharp, ffmpeg) until an env is made.
 */
import './maze/index.js';
import './sokoban/index.js';
import './graph/index.js';
import './chart/index.js';
import './drawing/index.js';
import './medical/index.js';
import './video/index.js';
import './search/index.js';
