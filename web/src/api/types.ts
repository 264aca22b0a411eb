import type { paths } from './schema.js';

/**
 * Names for the API's answers, taken from the types generated from the server's OpenAPI document (schema.d.ts,
 * `npm run gen:api-types`): `Answer<'/api/v1/users/me', 'get'>` is the `data` of that route's 200 envelope. A
 * route whose schema documents no answer gives `never`, so using it fails the type-check instead of guessing.
 */
type Method = 'get' | 'post' | 'put' | 'delete';

type JsonOf<R> = R extends { readonly responses: { readonly 200: { readonly content: { readonly 'application/json': infer Body } } } } ? Body : never;

export type Answer<P extends keyof paths, M extends Method> = JsonOf<paths[P][M]> extends { readonly data: infer Data } ? Data : never;

/** The element type of an array type. */
export type Item<A> = A extends readonly (infer T)[] ? T : never;
