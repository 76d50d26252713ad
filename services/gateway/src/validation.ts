/** Ids in paths: anything else cannot exist, so it is a 404 rather than a database query. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;

/** What is storable is decided in one place, beside the models. */
export { MAX_JSON_DEPTH, unstorableAt } from '@botwot/shared/db';
