// The staff side's days are the configured TIMEZONE's days (one implementation for the whole app).
export { dayRange, localDate } from '../../src/local-date.js';
