/**
 * The Quanyi API as TypeScript, generated from the server's OpenAPI document (/openapi.json) by
 * scripts/gen-api-types.ts with openapi-typescript. Do not edit: change the route schemas and run
 * `npm run gen:api-types`. CI (`npm run check:api-types`) fails when this file is not what they produce.
 */

export interface paths {
    readonly "/.well-known/jwks.json": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Public keys that verify access tokens (JWKS) */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/activities": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Activities with their grant counts */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        /** Create an activity from a template as the specification writes it ({"activity_type", "reward": [...], "rules": [{"condition": ...}]}); conditions in the SQL-like syntax or CEL are checked on save (422 ACTIVITY_RULE_INVALID with the rule index and column) */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": Record<string, never>;
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/activities/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** One activity */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path: {
                    readonly id: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/activities/{id}/status": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Pause, resume or end an activity */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path: {
                    readonly id: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        /** @enum {string} */
                        readonly status: "active" | "paused" | "ended";
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/admin/roles": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Grant a role to the account with this phone (created if new) */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        readonly merchant_id?: string;
                        readonly phone: string;
                        /** @enum {string} */
                        readonly role: "merchant_staff" | "operator" | "risk_reviewer" | "auditor" | "admin";
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/admin/users/{user_id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** An account as staff see it (personal data masked) */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path: {
                    readonly user_id: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/audit/records": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Audit records by subject and action, newest first (cursor pagination) */
        readonly get: {
            readonly parameters: {
                readonly query?: {
                    readonly action?: string;
                    readonly cursor?: string;
                    readonly limit?: number;
                    readonly subject_id?: string;
                    readonly subject_kind?: string;
                };
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/auth/logout": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** End this login session: its access and refresh tokens stop working */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description OK */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content: {
                        readonly "application/json": {
                            /** @enum {integer} */
                            readonly code: 200;
                            readonly data: {
                                readonly logged_out?: boolean;
                            };
                            /** @enum {string} */
                            readonly message: "OK";
                        };
                    };
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/auth/sms/login": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Log in (or sign up) with the SMS code; answers an OAuth 2.0 token response */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        readonly code: string;
                        readonly invite_code?: string;
                        /** @example 13800001234 */
                        readonly phone: string;
                    };
                };
            };
            readonly responses: {
                /** @description OK */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content: {
                        readonly "application/json": {
                            /** @enum {integer} */
                            readonly code: 200;
                            readonly data: {
                                readonly access_token?: string;
                                readonly expires_in?: number;
                                readonly refresh_token?: string;
                                /** @enum {string} */
                                readonly token_type?: "Bearer";
                                readonly user_id?: string;
                            };
                            /** @enum {string} */
                            readonly message: "OK";
                        };
                    };
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/auth/sms/send": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Send a 6-digit one-time code by SMS (same answer whether or not the phone has an account) */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        /** @example 13800001234 */
                        readonly phone: string;
                        /**
                         * @default login
                         * @enum {string}
                         */
                        readonly purpose?: "login" | "real_name";
                    };
                };
            };
            readonly responses: {
                /** @description OK */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content: {
                        readonly "application/json": {
                            /** @enum {integer} */
                            readonly code: 200;
                            readonly data: {
                                readonly expires_in?: number;
                                readonly resend_after?: number;
                            };
                            /** @enum {string} */
                            readonly message: "OK";
                        };
                    };
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/auth/token": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Exchange a refresh token (rotates it; a reused token revokes the session) */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        /** @enum {string} */
                        readonly grant_type: "refresh_token";
                        readonly refresh_token: string;
                    };
                };
            };
            readonly responses: {
                /** @description OK */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content: {
                        readonly "application/json": {
                            /** @enum {integer} */
                            readonly code: 200;
                            readonly data: {
                                readonly access_token?: string;
                                readonly expires_in?: number;
                                readonly refresh_token?: string;
                                /** @enum {string} */
                                readonly token_type?: "Bearer";
                                readonly user_id?: string;
                            };
                            /** @enum {string} */
                            readonly message: "OK";
                        };
                    };
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/channels": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Channels with their number of merchants */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        /** Register a channel (渠道方): a partner that brings merchants and takes the channel share of their redemptions */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        readonly name: string;
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/coupon/{code}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** A coupon with its status, balance and template; its holder and staff also get its history, a till only its own redemptions of it */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path: {
                    readonly code: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/coupon/{code}/freeze": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Freeze a coupon (risk or operator); it cannot be spent until unfrozen */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path: {
                    readonly code: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        readonly reason: string;
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/coupon/{code}/unfreeze": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Unfreeze a coupon */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path: {
                    readonly code: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        readonly reason: string;
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/coupon/activate": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Bind an issued code to my account (UNACTIVATED → ACTIVATED); failed attempts are capped per user, device and IP (429 COUPON_ACTIVATION_ATTEMPTS_EXCEEDED) */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        readonly coupon_code: string;
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/coupon/batches/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** A batch and its progress */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path: {
                    readonly id: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/coupon/batches/{id}/codes.csv": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** A batch's codes as CSV (streamed) */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path: {
                    readonly id: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/coupon/claim": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Claim one coupon from a template (stock and per-user limits enforced); answers data.coupon_code */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        readonly template_id: string;
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/coupon/consume": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Redeem coupons at the till (signed cashier call); never double-spends */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        /** @description Let the last gift card pay only part of what remains */
                        readonly allow_partial?: boolean;
                        /**
                         * @description Amount in yuan: a decimal string with at most 2 decimal places, e.g. "150.00", or a JSON number with at most 2
                         * @example 150.00
                         */
                        readonly amount: string | number;
                        readonly coupon_code?: string;
                        readonly coupon_codes?: readonly string[];
                        /** @description Confirm a lock taken with /coupon/lock, for the same order_id and amount */
                        readonly lock_id?: string;
                        readonly merchant_id: string;
                        readonly order_id: string;
                    } & (unknown | unknown | unknown);
                };
            };
            readonly responses: {
                /** @description OK */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content: {
                        readonly "application/json": {
                            /** @enum {integer} */
                            readonly code: 200;
                            readonly data: {
                                readonly balance?: string | null;
                                readonly discount?: string;
                                readonly lines?: readonly {
                                    readonly amount?: string;
                                    readonly balance?: string;
                                    readonly coupon_code?: string;
                                    readonly status?: string;
                                    readonly type?: string;
                                }[];
                                readonly payable?: string;
                                readonly transaction_id?: string;
                            };
                            /** @enum {string} */
                            readonly message: "OK";
                        };
                    };
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/coupon/lock": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Hold a coupon, or an amount of a gift card, while the customer pays (default 15 min); confirm with consume {lock_id} */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        /**
                         * @description Amount in yuan: a decimal string with at most 2 decimal places, e.g. "150.00", or a JSON number with at most 2
                         * @example 150.00
                         */
                        readonly amount: string | number;
                        readonly coupon_code: string;
                        readonly merchant_id: string;
                        readonly order_id: string;
                        readonly ttl_seconds?: number;
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/coupon/refund": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Refund a till transaction: in full, or partly back onto its gift cards (never more than was taken) */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        /**
                         * @description Amount in yuan: a decimal string with at most 2 decimal places, e.g. "150.00", or a JSON number with at most 2
                         * @example 150.00
                         */
                        readonly amount?: string | number;
                        readonly transaction_id: string;
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/coupon/templates": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Coupon templates, newest first, with issued counts and their latest batches */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        /** Create a coupon template; type arguments inline (discount_rate, min_amount…) or under params */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        /**
                         * @description Amount in yuan: a decimal string with at most 2 decimal places, e.g. "150.00", or a JSON number with at most 2
                         * @example 150.00
                         */
                        readonly budget?: string | number;
                        /** @description Who pays for the value the coupons take off orders; default: the platform's marketing budget, or for gift cards their sale */
                        readonly funding?: {
                            readonly brand_merchant_id?: string;
                            /** @enum {string} */
                            readonly source: "PLATFORM" | "BRAND" | "GIFT_CARD";
                        };
                        readonly merchant_ids?: readonly string[];
                        readonly name: string;
                        readonly params?: Record<string, never>;
                        readonly per_user_daily_limit?: number;
                        readonly per_user_limit?: number;
                        readonly stackable?: boolean;
                        readonly total_stock?: number;
                        /** @enum {string} */
                        readonly type: "DISCOUNT" | "THRESHOLD" | "CASH" | "GIFT_CARD";
                        readonly valid_days?: number;
                        /** Format: date-time */
                        readonly valid_from?: string;
                        /** Format: date-time */
                        readonly valid_until?: string;
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/coupon/templates/{id}/issue": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Issue a batch of UNACTIVATED codes; generated by the worker in chunks (see the batch for progress) */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path: {
                    readonly id: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        readonly quantity: number;
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/coupon/unlock": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Release a lock (payment abandoned); the hold goes back to the coupon */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        readonly lock_id: string;
                        /** @description The merchant holding the lock (default: any of yours) */
                        readonly merchant_id?: string;
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/coupon/validate": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Dry run of consume: the same checks and pricing, no effects (the till shows discount and payable) */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        /** @description Let the last gift card pay only part of what remains */
                        readonly allow_partial?: boolean;
                        /**
                         * @description Amount in yuan: a decimal string with at most 2 decimal places, e.g. "150.00", or a JSON number with at most 2
                         * @example 150.00
                         */
                        readonly amount: string | number;
                        readonly coupon_code?: string;
                        readonly coupon_codes?: readonly string[];
                        /** @description Confirm a lock taken with /coupon/lock, for the same order_id and amount */
                        readonly lock_id?: string;
                        readonly merchant_id: string;
                        readonly order_id: string;
                    } & (unknown | unknown | unknown);
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/dashboard/overview": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** The operator dashboard: coupons issued, redemptions, instant draws, risk decisions and ledger transfers per minute over the last hour, with totals */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/dev/sms": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Development SMS outbox (only while SMS_PROVIDER=dev): messages sent to a phone, newest first */
        readonly get: {
            readonly parameters: {
                readonly query: {
                    /** @example 13800001234 */
                    readonly phone: string;
                };
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/invoices": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Register an invoice: the typed form (JSON) or its 数电 XML file (application/xml). Refusals list every reason. */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        /** @description Legacy invoices only: the 20-digit 校验码 */
                        readonly check_code?: string;
                        /** @description Legacy invoices only: the 10/12-digit 发票代码 */
                        readonly invoice_code?: string;
                        /** @description 数电票: 20 digits; legacy: the 8-digit 发票号码 */
                        readonly invoice_number: string;
                        /** Format: date */
                        readonly issue_date: string;
                        /**
                         * @description 数电票: 价税合计 (tax included); legacy: the amount on the QR code (tax excluded)
                         * @example 150.00
                         */
                        readonly total_amount: string | number;
                    };
                    readonly "application/octet-stream": unknown;
                    readonly "application/ofd": unknown;
                    readonly "application/pdf": unknown;
                    readonly "application/xml": unknown;
                    readonly "application/zip": unknown;
                    readonly "image/jpeg": unknown;
                    readonly "image/png": unknown;
                    readonly "text/xml": unknown;
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/invoices/check-number": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** The form's live check of a 数电 number: format (length, year, province) and whether it is already registered */
        readonly get: {
            readonly parameters: {
                readonly query: {
                    readonly number: string;
                };
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/invoices/preview": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** What an invoice file (or the typed form) says, field by field with where each was read, before it is submitted; nothing is recorded */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        /** @description Legacy invoices only: the 20-digit 校验码 */
                        readonly check_code?: string;
                        /** @description Legacy invoices only: the 10/12-digit 发票代码 */
                        readonly invoice_code?: string;
                        /** @description 数电票: 20 digits; legacy: the 8-digit 发票号码 */
                        readonly invoice_number: string;
                        /** Format: date */
                        readonly issue_date: string;
                        /**
                         * @description 数电票: 价税合计 (tax included); legacy: the amount on the QR code (tax excluded)
                         * @example 150.00
                         */
                        readonly total_amount: string | number;
                    };
                    readonly "application/octet-stream": unknown;
                    readonly "application/ofd": unknown;
                    readonly "application/pdf": unknown;
                    readonly "application/xml": unknown;
                    readonly "application/zip": unknown;
                    readonly "image/jpeg": unknown;
                    readonly "image/png": unknown;
                    readonly "text/xml": unknown;
                };
            };
            readonly responses: {
                /** @description OK */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content: {
                        readonly "application/json": {
                            /** @enum {integer} */
                            readonly code: 200;
                            readonly data: {
                                readonly fields: {
                                    /** @description 价税合计 (tax included), when the source says it */
                                    readonly amount_with_tax: string | null;
                                    readonly buyer_name: string | null;
                                    readonly buyer_tax_id: string | null;
                                    /** @description Legacy invoices: the 20-digit 校验码 */
                                    readonly check_code: string | null;
                                    /** @description Legacy invoices: 发票代码 */
                                    readonly invoice_code: string | null;
                                    readonly invoice_number: string | null;
                                    /** @description YYYY-MM-DD */
                                    readonly issue_date: string | null;
                                    /** @enum {string} */
                                    readonly kind: "DIGITAL" | "LEGACY";
                                    readonly seller_name: string | null;
                                    readonly seller_tax_id: string | null;
                                    /** @description The amount 查验 uses: 数电 价税合计; legacy 合计金额 (tax excluded) */
                                    readonly total_amount: string | null;
                                };
                                /** @description Why these fields could not be submitted as read (null: they can) */
                                readonly problem: string | null;
                                /** @description Where each field that was read came from */
                                readonly sources: {
                                    /** @enum {string} */
                                    readonly amount_with_tax?: "xml" | "ofd" | "pdf-text" | "qr" | "ocr" | "typed";
                                    /** @enum {string} */
                                    readonly buyer_name?: "xml" | "ofd" | "pdf-text" | "qr" | "ocr" | "typed";
                                    /** @enum {string} */
                                    readonly buyer_tax_id?: "xml" | "ofd" | "pdf-text" | "qr" | "ocr" | "typed";
                                    /** @enum {string} */
                                    readonly check_code?: "xml" | "ofd" | "pdf-text" | "qr" | "ocr" | "typed";
                                    /** @enum {string} */
                                    readonly invoice_code?: "xml" | "ofd" | "pdf-text" | "qr" | "ocr" | "typed";
                                    /** @enum {string} */
                                    readonly invoice_number?: "xml" | "ofd" | "pdf-text" | "qr" | "ocr" | "typed";
                                    /** @enum {string} */
                                    readonly issue_date?: "xml" | "ofd" | "pdf-text" | "qr" | "ocr" | "typed";
                                    /** @enum {string} */
                                    readonly kind?: "xml" | "ofd" | "pdf-text" | "qr" | "ocr" | "typed";
                                    /** @enum {string} */
                                    readonly seller_name?: "xml" | "ofd" | "pdf-text" | "qr" | "ocr" | "typed";
                                    /** @enum {string} */
                                    readonly seller_tax_id?: "xml" | "ofd" | "pdf-text" | "qr" | "ocr" | "typed";
                                    /** @enum {string} */
                                    readonly total_amount?: "xml" | "ofd" | "pdf-text" | "qr" | "ocr" | "typed";
                                };
                            };
                            /** @enum {string} */
                            readonly message: "OK";
                        };
                    };
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/ledger/accounts": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Every ledger account with its totals and balance */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/ledger/gift-card-sales": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Record a gift card's sale: the price paid becomes the gift-card liability that funds its redemptions (once per card) */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        /**
                         * @description Amount in yuan: a decimal string with at most 2 decimal places, e.g. "150.00", or a JSON number with at most 2
                         * @example 150.00
                         */
                        readonly amount?: string | number;
                        readonly coupon_code: string;
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/ledger/top-ups": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Top up a funding account (the platform's marketing budget or a brand's prepaid account) from the bank */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        /**
                         * @description Amount in yuan: a decimal string with at most 2 decimal places, e.g. "150.00", or a JSON number with at most 2
                         * @example 150.00
                         */
                        readonly amount: string | number;
                        readonly brand_merchant_id?: string;
                        readonly reference?: string;
                        /** @enum {string} */
                        readonly source: "PLATFORM" | "BRAND";
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/ledger/trial-balance": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Trial balance: Σ debits, Σ credits (difference always 0.00), posted and pending, per account kind */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/lottery/campaigns": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Campaigns with their rules and commitments (public: anyone may audit them) */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description OK */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content: {
                        readonly "application/json": {
                            /** @enum {integer} */
                            readonly code: 200;
                            readonly data: {
                                readonly campaigns: readonly {
                                    readonly campaign_id: string;
                                    readonly chances: {
                                        readonly max_per_invoice?: number;
                                        /** @enum {string} */
                                        readonly mode: "PER_INVOICE" | "PER_AMOUNT_STEP";
                                        readonly step_fen?: number;
                                    };
                                    readonly claim_deadline_days?: number;
                                    readonly eligibility: {
                                        /** @enum {string} */
                                        readonly buyer: "PERSON" | "ANY";
                                        readonly invoice_kinds: readonly ("DIGITAL" | "LEGACY")[];
                                        readonly max_age_days: number;
                                        /** @description Amount in yuan, e.g. "150.00" */
                                        readonly min_amount: string;
                                        readonly min_amount_fen: number;
                                    };
                                    /** Format: date-time */
                                    readonly ends_at: string;
                                    readonly instant: {
                                        readonly algorithm: string;
                                        readonly draw_id: string;
                                        readonly drawn: number;
                                        readonly pool_seed: string | null;
                                        readonly pool_seed_commit: string;
                                        readonly prizes: readonly {
                                            /** @description Amount in yuan, e.g. "150.00" */
                                            readonly amount?: string;
                                            readonly count: number;
                                            readonly coupon_template_id?: string;
                                            /** @enum {string} */
                                            readonly kind: "CASH" | "COUPON";
                                            readonly name: string;
                                        }[];
                                        readonly tickets: number;
                                    } | null;
                                    readonly name: string;
                                    readonly reveal_log_index: number | null;
                                    /** Format: date-time */
                                    readonly revealed_at: string | null;
                                    readonly rules_log_index: number;
                                    /** Format: date-time */
                                    readonly starts_at: string;
                                    /** @enum {string} */
                                    readonly status: "SCHEDULED" | "ACTIVE" | "ENDING" | "ENDED";
                                    readonly weekly: {
                                        readonly cron: string;
                                        readonly tiers: readonly {
                                            /** @description Amount in yuan, e.g. "150.00" */
                                            readonly amount?: string;
                                            readonly count: number;
                                            readonly coupon_template_id?: string;
                                            /** @enum {string} */
                                            readonly kind: "CASH" | "COUPON";
                                            readonly name: string;
                                            readonly tier: string;
                                        }[];
                                    } | null;
                                }[];
                            };
                            /** @enum {string} */
                            readonly message: "OK";
                        };
                    };
                };
            };
        };
        readonly put?: never;
        /** Create a campaign: period, eligibility, chances, instant pool, weekly tiers. Its rules and the pool seed commitment go to the transparency log. */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        readonly chances?: {
                            readonly max_per_invoice?: number;
                            /** @enum {string} */
                            readonly mode: "PER_INVOICE" | "PER_AMOUNT_STEP";
                            /**
                             * @description Amount in yuan: a decimal string with at most 2 decimal places, e.g. "150.00", or a JSON number with at most 2
                             * @example 150.00
                             */
                            readonly step?: string | number;
                        } & ({
                            /** @enum {unknown} */
                            readonly mode?: "PER_INVOICE";
                        } | {
                            /** @enum {unknown} */
                            readonly mode?: "PER_AMOUNT_STEP";
                        });
                        readonly claim_deadline_days?: number;
                        readonly eligibility?: {
                            /**
                             * @description Whose invoices count: PERSON (default: issued to individuals, 个人 or the user's real name) or ANY (companies' too)
                             * @enum {string}
                             */
                            readonly buyer?: "PERSON" | "ANY";
                            readonly invoice_kinds?: readonly ("DIGITAL" | "LEGACY")[];
                            readonly max_age_days?: number;
                            /**
                             * @description Amount in yuan: a decimal string with at most 2 decimal places, e.g. "150.00", or a JSON number with at most 2
                             * @example 150.00
                             */
                            readonly min_amount?: string | number;
                        };
                        /** Format: date-time */
                        readonly ends_at: string;
                        readonly instant?: {
                            readonly prizes: readonly ({
                                /**
                                 * @description Amount in yuan: a decimal string with at most 2 decimal places, e.g. "150.00", or a JSON number with at most 2
                                 * @example 150.00
                                 */
                                readonly amount?: string | number;
                                readonly count: number;
                                readonly coupon_template_id?: string;
                                /** @enum {string} */
                                readonly kind: "CASH" | "COUPON";
                                readonly name: string;
                            } & ({
                                /** @enum {unknown} */
                                readonly kind?: "CASH";
                            } | {
                                /** @enum {unknown} */
                                readonly kind?: "COUPON";
                            }))[];
                            readonly tickets: number;
                        };
                        readonly name: string;
                        /** Format: date-time */
                        readonly starts_at: string;
                        readonly weekly?: {
                            /** @description Five-field cron in Asia/Shanghai; default "0 10 * * 3" (Wednesdays 10:00) */
                            readonly cron?: string;
                            readonly tiers: readonly ({
                                /**
                                 * @description Amount in yuan: a decimal string with at most 2 decimal places, e.g. "150.00", or a JSON number with at most 2
                                 * @example 150.00
                                 */
                                readonly amount?: string | number;
                                readonly count: number;
                                readonly coupon_template_id?: string;
                                /** @enum {string} */
                                readonly kind: "CASH" | "COUPON";
                                readonly name: string;
                                readonly tier: string;
                            } & ({
                                /** @enum {unknown} */
                                readonly kind?: "CASH";
                            } | {
                                /** @enum {unknown} */
                                readonly kind?: "COUPON";
                            }))[];
                        };
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/lottery/campaigns/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** One campaign; its pool seed once revealed */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path: {
                    readonly id: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description OK */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content: {
                        readonly "application/json": {
                            /** @enum {integer} */
                            readonly code: 200;
                            readonly data: {
                                readonly campaign_id: string;
                                readonly chances: {
                                    readonly max_per_invoice?: number;
                                    /** @enum {string} */
                                    readonly mode: "PER_INVOICE" | "PER_AMOUNT_STEP";
                                    readonly step_fen?: number;
                                };
                                readonly claim_deadline_days?: number;
                                readonly eligibility: {
                                    /** @enum {string} */
                                    readonly buyer: "PERSON" | "ANY";
                                    readonly invoice_kinds: readonly ("DIGITAL" | "LEGACY")[];
                                    readonly max_age_days: number;
                                    /** @description Amount in yuan, e.g. "150.00" */
                                    readonly min_amount: string;
                                    readonly min_amount_fen: number;
                                };
                                /** Format: date-time */
                                readonly ends_at: string;
                                readonly instant: {
                                    readonly algorithm: string;
                                    readonly draw_id: string;
                                    readonly drawn: number;
                                    readonly pool_seed: string | null;
                                    readonly pool_seed_commit: string;
                                    readonly prizes: readonly {
                                        /** @description Amount in yuan, e.g. "150.00" */
                                        readonly amount?: string;
                                        readonly count: number;
                                        readonly coupon_template_id?: string;
                                        /** @enum {string} */
                                        readonly kind: "CASH" | "COUPON";
                                        readonly name: string;
                                    }[];
                                    readonly tickets: number;
                                } | null;
                                readonly name: string;
                                readonly reveal_log_index: number | null;
                                /** Format: date-time */
                                readonly revealed_at: string | null;
                                readonly rules_log_index: number;
                                /** Format: date-time */
                                readonly starts_at: string;
                                /** @enum {string} */
                                readonly status: "SCHEDULED" | "ACTIVE" | "ENDING" | "ENDED";
                                readonly weekly: {
                                    readonly cron: string;
                                    readonly tiers: readonly {
                                        /** @description Amount in yuan, e.g. "150.00" */
                                        readonly amount?: string;
                                        readonly count: number;
                                        readonly coupon_template_id?: string;
                                        /** @enum {string} */
                                        readonly kind: "CASH" | "COUPON";
                                        readonly name: string;
                                        readonly tier: string;
                                    }[];
                                } | null;
                            };
                            /** @enum {string} */
                            readonly message: "OK";
                        };
                    };
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/lottery/campaigns/{id}/end": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** End a campaign now and reveal its pool seed (no more instant draws) */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path: {
                    readonly id: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description OK */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content: {
                        readonly "application/json": {
                            /** @enum {integer} */
                            readonly code: 200;
                            readonly data: {
                                readonly campaign_id: string;
                                readonly chances: {
                                    readonly max_per_invoice?: number;
                                    /** @enum {string} */
                                    readonly mode: "PER_INVOICE" | "PER_AMOUNT_STEP";
                                    readonly step_fen?: number;
                                };
                                readonly claim_deadline_days?: number;
                                readonly eligibility: {
                                    /** @enum {string} */
                                    readonly buyer: "PERSON" | "ANY";
                                    readonly invoice_kinds: readonly ("DIGITAL" | "LEGACY")[];
                                    readonly max_age_days: number;
                                    /** @description Amount in yuan, e.g. "150.00" */
                                    readonly min_amount: string;
                                    readonly min_amount_fen: number;
                                };
                                /** Format: date-time */
                                readonly ends_at: string;
                                readonly instant: {
                                    readonly algorithm: string;
                                    readonly draw_id: string;
                                    readonly drawn: number;
                                    readonly pool_seed: string | null;
                                    readonly pool_seed_commit: string;
                                    readonly prizes: readonly {
                                        /** @description Amount in yuan, e.g. "150.00" */
                                        readonly amount?: string;
                                        readonly count: number;
                                        readonly coupon_template_id?: string;
                                        /** @enum {string} */
                                        readonly kind: "CASH" | "COUPON";
                                        readonly name: string;
                                    }[];
                                    readonly tickets: number;
                                } | null;
                                readonly name: string;
                                readonly reveal_log_index: number | null;
                                /** Format: date-time */
                                readonly revealed_at: string | null;
                                readonly rules_log_index: number;
                                /** Format: date-time */
                                readonly starts_at: string;
                                /** @enum {string} */
                                readonly status: "SCHEDULED" | "ACTIVE" | "ENDING" | "ENDED";
                                readonly weekly: {
                                    readonly cron: string;
                                    readonly tiers: readonly {
                                        /** @description Amount in yuan, e.g. "150.00" */
                                        readonly amount?: string;
                                        readonly count: number;
                                        readonly coupon_template_id?: string;
                                        /** @enum {string} */
                                        readonly kind: "CASH" | "COUPON";
                                        readonly name: string;
                                        readonly tier: string;
                                    }[];
                                } | null;
                            };
                            /** @enum {string} */
                            readonly message: "OK";
                        };
                    };
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/lottery/campaigns/{id}/weekly-draws": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** A campaign's weekly draws: closed sets (root, size, beacon round) and results */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path: {
                    readonly id: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description OK */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content: {
                        readonly "application/json": {
                            /** @enum {integer} */
                            readonly code: 200;
                            readonly data: {
                                readonly draws: readonly {
                                    readonly beacon_id: string;
                                    /** Format: date-time */
                                    readonly close_at: string;
                                    readonly draw_id: string;
                                    /** Format: date-time */
                                    readonly drawn_at: string | null;
                                    readonly entries_root: string;
                                    readonly entry_count: number;
                                    /** @enum {string} */
                                    readonly status: "CLOSED" | "DRAWN";
                                    readonly target_round: number;
                                    readonly winners: readonly {
                                        readonly chance: number;
                                        readonly draw: number;
                                        readonly index: number;
                                        readonly invoice_commit: string;
                                        readonly tier: string;
                                    }[] | null;
                                }[];
                            };
                            /** @enum {string} */
                            readonly message: "OK";
                        };
                    };
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/lottery/draws/{id}/bundle": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Everything needed to re-run a draw offline: signed checkpoint, entries, inclusion proofs (`quanyi verify-draw --bundle`) */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path: {
                    readonly id: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/lottery/draws/{id}/entry-proof": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Was I in it? The inclusion proof of an entry (`<invoice_commit>:<chance>`, from /users/me/lottery) in a weekly draw's closed set */
        readonly get: {
            readonly parameters: {
                readonly query: {
                    readonly chance: number;
                    readonly invoice_commit: string;
                };
                readonly header?: never;
                readonly path: {
                    readonly id: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description OK */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content: {
                        readonly "application/json": {
                            /** @enum {integer} */
                            readonly code: 200;
                            readonly data: {
                                readonly close_log_index: number;
                                readonly draw_id: string;
                                readonly entries_root: string;
                                readonly entry_count: number;
                                readonly hashes: readonly string[];
                                readonly index: number;
                                /** @description `<invoice_commit>:<chance>` */
                                readonly leaf: string;
                            };
                            /** @enum {string} */
                            readonly message: "OK";
                        };
                    };
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/lottery/instant-draw": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Use one of an invoice's chances: draws the pool's next position. Answers the draw, its position and the prize or null. */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        readonly campaign_id?: string;
                        readonly invoice_id: string;
                    };
                };
            };
            readonly responses: {
                /** @description OK */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content: {
                        readonly "application/json": {
                            /** @enum {integer} */
                            readonly code: 200;
                            readonly data: {
                                readonly campaign_id: string;
                                readonly draw_id: string;
                                readonly log_index: number;
                                readonly position: number;
                                readonly prize: {
                                    /** @description Amount in yuan, e.g. "150.00" */
                                    readonly amount?: string;
                                    readonly count: number;
                                    readonly coupon_template_id?: string;
                                    readonly index: number;
                                    /** @enum {string} */
                                    readonly kind: "CASH" | "COUPON";
                                    readonly name: string;
                                } | null;
                            };
                            /** @enum {string} */
                            readonly message: "OK";
                        };
                    };
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/merchants": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Register a merchant, optionally under a channel; answers its cashier API key and secret (the secret is shown only this once) */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        readonly channel_id?: string;
                        readonly name: string;
                    };
                };
            };
            readonly responses: {
                /** @description OK */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content: {
                        readonly "application/json": {
                            /** @enum {integer} */
                            readonly code: 200;
                            readonly data: {
                                readonly api_key?: string;
                                readonly api_secret?: string;
                                readonly channel_id?: string | null;
                                readonly merchant_id?: string;
                                readonly name?: string;
                            };
                            /** @enum {string} */
                            readonly message: "OK";
                        };
                    };
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/merchants/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** A merchant's profile and channel (staff: their own merchant only) */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path: {
                    readonly id: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/merchants/me/redemptions": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Your merchant's redemptions on one business day (Asia/Shanghai; default today), newest transaction first, with the day's totals */
        readonly get: {
            readonly parameters: {
                readonly query?: {
                    /** @description next_cursor of the previous page */
                    readonly cursor?: string;
                    /** @description YYYY-MM-DD, a day in Asia/Shanghai */
                    readonly date?: string;
                    readonly limit?: number;
                    /** @description One of your merchants (default: all of them) */
                    readonly merchant_id?: string;
                };
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/merchants/me/settlements": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Your merchant's settlement statements, newest first */
        readonly get: {
            readonly parameters: {
                readonly query?: {
                    readonly cursor?: string;
                    readonly limit?: number;
                };
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/merchants/me/settlements/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** One of your statements with its lines (format=csv downloads it) */
        readonly get: {
            readonly parameters: {
                readonly query?: {
                    readonly format?: "json" | "csv";
                };
                readonly header?: never;
                readonly path: {
                    readonly id: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/privacy/notice": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** The privacy notice: what is kept about users, why, and what erasure leaves */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/risk/blacklist": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Blacklist entries, newest first */
        readonly get: {
            readonly parameters: {
                readonly query?: {
                    readonly cursor?: string;
                    readonly kind?: "PHONE_HASH" | "DEVICE" | "IP" | "CIDR";
                    readonly limit?: number;
                };
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        /** Add a phone blind index, device id, IP or CIDR to the blacklist */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        /** @enum {string} */
                        readonly kind: "PHONE_HASH" | "DEVICE" | "IP" | "CIDR";
                        readonly reason?: string;
                        readonly value: string;
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/risk/blacklist/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        readonly post?: never;
        /** Remove a blacklist entry */
        readonly delete: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path: {
                    readonly id: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/risk/blacklist/import": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Import blacklist entries from CSV (header kind,value,reason); bad rows are reported by line, the rest added */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        readonly csv: string;
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/risk/cases": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** The review queue: cases with their evidence, newest first */
        readonly get: {
            readonly parameters: {
                readonly query?: {
                    readonly cursor?: string;
                    readonly limit?: number;
                    readonly status?: "OPEN" | "APPROVED" | "REJECTED";
                };
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/risk/cases/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** A case with its evidence and the decisions behind it */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path: {
                    readonly id: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/risk/cases/{id}/decide": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Decide a case: approve lifts the freeze or the settlement hold; reject keeps it, or with claw_back revokes the free coupons it froze */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path: {
                    readonly id: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        /** @description With reject: take back (REVOKED) the single-use coupons the case froze; gift cards stay frozen */
                        readonly claw_back?: boolean;
                        /** @enum {string} */
                        readonly decision: "approve" | "reject";
                        readonly note: string;
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/risk/rules": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Risk rules with their switch, parameters and version */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/risk/rules/{code}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        /** Change a rule's switch or parameters at runtime (a new version, audited; in force everywhere within seconds) */
        readonly put: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path: {
                    readonly code: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        readonly enabled?: boolean;
                        readonly note: string;
                        readonly params?: {
                            readonly [key: string]: number;
                        };
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/risk/rules/{code}/history": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** A rule's versions, newest first */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path: {
                    readonly code: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/settlement/holds": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Settlement holds (active only by default) */
        readonly get: {
            readonly parameters: {
                readonly query?: {
                    readonly active?: boolean;
                };
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        /** Hold a merchant's or channel's settlement until released (risk review) */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        readonly party_id: string;
                        /** @enum {string} */
                        readonly party_kind: "merchant" | "channel";
                        readonly reason: string;
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/settlement/holds/{id}/release": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Release a hold: the next run settles what waited */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path: {
                    readonly id: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        readonly note?: string;
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/settlement/holidays": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** The holiday calendar of a year */
        readonly get: {
            readonly parameters: {
                readonly query: {
                    readonly year: number;
                };
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/settlement/holidays/{day}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        /** Mark a day as a holiday (working: false) or as a make-up working day (调休, working: true) */
        readonly put: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path: {
                    readonly day: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        readonly name?: string;
                        readonly working: boolean;
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/settlement/payees/{kind}/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        /** Set where a merchant or channel is paid (name and bank card, stored encrypted, shown masked) */
        readonly put: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path: {
                    readonly id: string;
                    readonly kind: "merchant" | "channel";
                };
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        readonly bank_card: string;
                        readonly name: string;
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/settlement/reconciliation": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Reconciliation: every redemption has its split, every statement equals its lines, account totals equal their entries */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/settlement/rules/{merchant_id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** A merchant's split and T+N terms (the defaults when none were set) */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path: {
                    readonly merchant_id: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        /** Set a merchant's split (basis points summing to 10000) and T+N terms */
        readonly put: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path: {
                    readonly merchant_id: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        readonly channel_bps: number;
                        /** @enum {string} */
                        readonly day_basis?: "calendar" | "working";
                        readonly merchant_bps: number;
                        readonly merchant_days?: number;
                        readonly platform_bps: number;
                        readonly platform_days?: number;
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/settlement/runs": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Run settlement for a date: due lines become statements and payouts; re-running a date changes nothing */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        readonly date: string;
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/settlement/statements": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Statements by party, cycle and status, newest first (cursor pagination) */
        readonly get: {
            readonly parameters: {
                readonly query?: {
                    readonly cursor?: string;
                    readonly cycle_date?: string;
                    readonly limit?: number;
                    readonly party_id?: string;
                    readonly party_kind?: "platform" | "merchant" | "channel";
                    readonly status?: "RETAINED" | "NO_PAYOUT" | "AWAITING_PAYEE" | "PAYOUT_PENDING" | "PAID" | "PAYOUT_FAILED";
                };
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/settlement/statements/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** A statement with its lines (format=csv downloads it) */
        readonly get: {
            readonly parameters: {
                readonly query?: {
                    readonly format?: "json" | "csv";
                };
                readonly header?: never;
                readonly path: {
                    readonly id: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/transparency/checkpoint": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** The latest checkpoint, signed as a C2SP signed note (Ed25519) */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/transparency/entries": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Entries [start, end) with their canonical JSON bodies (the leaf bytes), at most 1,000 a page */
        readonly get: {
            readonly parameters: {
                readonly query: {
                    readonly end: number;
                    readonly start: number;
                };
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/transparency/key": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** The log's verifier key (C2SP signed-note vkey) to pin */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/transparency/proof/consistency": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Proof that the tree of size `second` extends the tree of size `first` (RFC 9162 §2.1.4) */
        readonly get: {
            readonly parameters: {
                readonly query: {
                    readonly first: number;
                    readonly second: number;
                };
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/transparency/proof/inclusion": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** The audit path of entry `index` in the tree of the first `size` entries (RFC 9162 §2.1.3) */
        readonly get: {
            readonly parameters: {
                readonly query: {
                    readonly index: number;
                    readonly size: number;
                };
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/users/me": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** My account, with personal data masked */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description OK */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content: {
                        readonly "application/json": {
                            /** @enum {integer} */
                            readonly code: 200;
                            readonly data: {
                                /** Format: date-time */
                                readonly created_at: string;
                                readonly merchant_ids: readonly string[];
                                /** @description Masked (138****1234) */
                                readonly phone: string | null;
                                /** @enum {string} */
                                readonly real_name_status: "NONE" | "VERIFIED";
                                readonly roles: readonly string[];
                                readonly user_id: string;
                            };
                            /** @enum {string} */
                            readonly message: "OK";
                        };
                    };
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        /** Erase my personal data and end all my sessions (PIPL Art. 47); required records stay pseudonymous */
        readonly delete: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/users/me/consents": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Give separate consent (PIPL Art. 29), e.g. before real-name verification takes sensitive data */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        /** @enum {string} */
                        readonly purpose: "real_name_verification";
                        readonly version?: string;
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/users/me/consents/{purpose}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        readonly post?: never;
        /** Withdraw a consent */
        readonly delete: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path: {
                    readonly purpose: "real_name_verification";
                };
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/users/me/coupons": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** My coupons, newest first */
        readonly get: {
            readonly parameters: {
                readonly query?: {
                    readonly status?: "UNACTIVATED" | "ACTIVATED" | "FROZEN" | "USED" | "EXPIRED" | "REFUNDED" | "REVOKED";
                };
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description OK */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content: {
                        readonly "application/json": {
                            /** @enum {integer} */
                            readonly code: 200;
                            readonly data: {
                                readonly coupons: readonly {
                                    /** @description What is left, in yuan */
                                    readonly balance: string;
                                    readonly coupon_code: string;
                                    readonly coupon_id: string;
                                    readonly name: string;
                                    /** @enum {string} */
                                    readonly status: "UNACTIVATED" | "ACTIVATED" | "FROZEN" | "USED" | "EXPIRED" | "REFUNDED" | "REVOKED";
                                    readonly template_id: string;
                                    /** @enum {string} */
                                    readonly type: "DISCOUNT" | "THRESHOLD" | "CASH" | "GIFT_CARD";
                                    /** Format: date-time */
                                    readonly valid_until: string | null;
                                }[];
                            };
                            /** @enum {string} */
                            readonly message: "OK";
                        };
                    };
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/users/me/export": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Everything held about me, machine-readable (PIPL Art. 45) */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/users/me/invite-code": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** My invite code (made on first ask); invitees sign up with it as invite_code */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/users/me/invoices": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** My invoices, newest first, with their status and the reasons of any refusal */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/users/me/lottery": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** My draw chances (with the salts that find my entries in the public log) and my instant draws */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description OK */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content: {
                        readonly "application/json": {
                            /** @enum {integer} */
                            readonly code: 200;
                            readonly data: {
                                readonly chances: readonly {
                                    readonly campaign_id: string;
                                    readonly commit_salt: string;
                                    readonly granted: number;
                                    readonly invoice_commit: string;
                                    readonly invoice_id: string;
                                    readonly used: number;
                                }[];
                                readonly draws: readonly {
                                    readonly campaign_id: string;
                                    readonly chance: number;
                                    /** Format: date-time */
                                    readonly created_at: string;
                                    readonly draw_id: string;
                                    readonly invoice_id: string;
                                    readonly log_index: number;
                                    readonly position: number;
                                    readonly prize_index: number | null;
                                }[];
                            };
                            /** @enum {string} */
                            readonly message: "OK";
                        };
                    };
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/users/me/messages": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** My messages (站内信), newest first (at most 100), in the language of Accept-Language (zh-CN by default), with the unread count */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/users/me/messages/{id}/read": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Mark one of my messages read (again is harmless: the first read time stays) */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path: {
                    readonly id: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/users/me/points": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** My points balance and latest movements */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/users/me/prizes": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** My prizes with their payout status */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description OK */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content: {
                        readonly "application/json": {
                            /** @enum {integer} */
                            readonly code: 200;
                            readonly data: {
                                readonly prizes: readonly {
                                    /** @description Amount in yuan, e.g. "150.00" */
                                    readonly amount: string | null;
                                    readonly attempts: number;
                                    readonly campaign_id: string;
                                    readonly coupon_code: string | null;
                                    readonly coupon_template_id: string | null;
                                    /** Format: date-time */
                                    readonly created_at: string;
                                    readonly draw_id: string;
                                    /** Format: date-time */
                                    readonly due_at: string;
                                    readonly invoice_id: string;
                                    /** @enum {string} */
                                    readonly kind: "CASH" | "COUPON";
                                    /** @description Why it failed; while PENDING, why the last attempt did not go through */
                                    readonly last_error: string | null;
                                    /** @description The prize's name as the campaign's rules give it (the instant pool's entry, or the weekly tier's) */
                                    readonly name: string;
                                    /** Format: date-time */
                                    readonly next_attempt_at: string | null;
                                    readonly payout_reference: string | null;
                                    readonly prize_id: string;
                                    /** Format: date-time */
                                    readonly settled_at: string | null;
                                    /** @enum {string} */
                                    readonly source: "INSTANT" | "WEEKLY";
                                    /** @enum {string} */
                                    readonly status: "PENDING" | "PAID" | "ISSUED" | "FAILED";
                                    readonly tier: string | null;
                                }[];
                            };
                            /** @enum {string} */
                            readonly message: "OK";
                        };
                    };
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/users/me/real-name": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Real-name verification: ID number checked locally, then bank card 4-factor verification (attempts capped per day) */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        readonly bank_card: string;
                        readonly bank_phone: string;
                        readonly id_number: string;
                        readonly name: string;
                    };
                };
            };
            readonly responses: {
                /** @description OK */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content: {
                        readonly "application/json": {
                            /** @enum {integer} */
                            readonly code: 200;
                            readonly data: {
                                readonly bank_card?: string;
                                readonly id_number?: string;
                                readonly name?: string;
                                readonly real_name_status?: string;
                                readonly warnings?: readonly string[];
                            };
                            /** @enum {string} */
                            readonly message: "OK";
                        };
                    };
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/users/me/rewards": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Rewards activities gave me */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/healthz": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Liveness: the process is up */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description OK */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content: {
                        readonly "application/json": {
                            /** @enum {integer} */
                            readonly code: 200;
                            readonly data: {
                                readonly status?: string;
                            };
                            /** @enum {string} */
                            readonly message: "OK";
                        };
                    };
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/readyz": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Readiness: the database reachable (503 otherwise); the cache reported, but its loss only degrades (per-process limits), so it keeps the process ready */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description OK */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content: {
                        readonly "application/json": {
                            /** @enum {integer} */
                            readonly code: 200;
                            readonly data: {
                                /** @enum {string} */
                                readonly cache?: "memory" | "redis";
                                /** @enum {string} */
                                readonly cache_status?: "ok" | "unreachable";
                                /** @enum {string} */
                                readonly db?: "pglite" | "postgres";
                                readonly role?: string;
                                readonly status?: string;
                            };
                            /** @enum {string} */
                            readonly message: "OK";
                        };
                    };
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/sandbox/bank/four-factor": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Sandbox bank card 4-factor verification (deterministic test identities) */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        readonly BankCard: string;
                        readonly IdCard: string;
                        readonly Name: string;
                        readonly Phone: string;
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/sandbox/payouts/payouts": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Pay an amount to a bank card (代付). Idempotent by payout_id; a card ending in 0000 is frozen; 503 while the bank is set unavailable */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        /**
                         * @description Amount in yuan: a decimal string with at most 2 decimal places, e.g. "150.00", or a JSON number with at most 2
                         * @example 150.00
                         */
                        readonly amount: string | number;
                        readonly bank_card: string;
                        readonly memo?: string;
                        readonly payee_name: string;
                        readonly payout_id: string;
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/sandbox/payouts/payouts/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** A payout as the bank recorded it */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path: {
                    readonly id: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/sandbox/payouts/settings": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Take the sandbox bank down (every payout answers 503) or bring it back up */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        readonly available: boolean;
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/sandbox/tax/ca-certificates": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** The sandbox bureau's CA certificates (DER, base64): they issue the certificate of the bureau-layout XML signature */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/sandbox/tax/invoices": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Issue a 数电 invoice: signed XML and QR text */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        readonly buyer_name?: string;
                        readonly buyer_tax_id?: string;
                        /** Format: date */
                        readonly issue_date?: string;
                        readonly seller_tax_id?: string;
                        /**
                         * @description Amount in yuan: a decimal string with at most 2 decimal places, e.g. "150.00", or a JSON number with at most 2
                         * @example 150.00
                         */
                        readonly total_amount: string | number;
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/sandbox/tax/invoices/{number}.{format}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** An issued invoice as a file: signed XML (the sandbox's layout, or the bureau's with ?layout=bureau), PDF (QR and text on page 1), PNG (photo-like with ?style=photo&seed=…) or OFD */
        readonly get: {
            readonly parameters: {
                readonly query?: {
                    readonly layout?: "sandbox" | "bureau";
                    readonly seed?: string;
                    readonly style?: "clean" | "photo";
                };
                readonly header?: never;
                readonly path: {
                    readonly format: "xml" | "pdf" | "png" | "ofd";
                    readonly number: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/sandbox/tax/invoices/{number}/flag": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Flag an invoice out of control (失控) or abnormal (异常), or clear the flag */
        readonly post: {
            readonly parameters: {
                readonly query?: {
                    readonly code?: string;
                };
                readonly header?: never;
                readonly path: {
                    readonly number: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        /** @enum {string} */
                        readonly status: "OUT_OF_CONTROL" | "ABNORMAL" | "NORMAL";
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/sandbox/tax/invoices/{number}/red-flush": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Red-flush an invoice (红冲): in full, or partly with an amount */
        readonly post: {
            readonly parameters: {
                readonly query?: {
                    readonly code?: string;
                };
                readonly header?: never;
                readonly path: {
                    readonly number: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        /**
                         * @description Amount in yuan: a decimal string with at most 2 decimal places, e.g. "150.00", or a JSON number with at most 2
                         * @example 150.00
                         */
                        readonly amount?: string | number;
                    } | null;
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/sandbox/tax/invoices/{number}/void": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Void an invoice (作废) */
        readonly post: {
            readonly parameters: {
                readonly query?: {
                    readonly code?: string;
                };
                readonly header?: never;
                readonly path: {
                    readonly number: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/sandbox/tax/invoices/import": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Add known invoices (read off real files) to the register: the rows of `quanyi tax-sandbox import` */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        readonly invoices: readonly Record<string, never>[];
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/sandbox/tax/public-key": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** The SM2 public key invoice XML is signed with */
        readonly get: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/sandbox/tax/status": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Check an invoice (5 checks per invoice per day): 数电 by number, date and tax-inclusive amount; legacy by code, number, date and the 校验码 last 6 digits (普票) or the pre-tax amount (专票) */
        readonly get: {
            readonly parameters: {
                readonly query: {
                    readonly amount?: string;
                    readonly check_code?: string;
                    readonly code?: string;
                    readonly date: string;
                    readonly number: string;
                };
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/sandbox/tax/taxpayers": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Register a taxpayer */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path?: never;
                readonly cookie?: never;
            };
            readonly requestBody: {
                readonly content: {
                    readonly "application/json": {
                        readonly name: string;
                        readonly region_code: string;
                        readonly tax_id?: string;
                    };
                };
            };
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/sandbox/tax/taxpayers/{taxId}/deregister": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Deregister a taxpayer: its invoices then show an unregistered seller */
        readonly post: {
            readonly parameters: {
                readonly query?: never;
                readonly header?: never;
                readonly path: {
                    readonly taxId: string;
                };
                readonly cookie?: never;
            };
            readonly requestBody?: never;
            readonly responses: {
                /** @description Default Response */
                readonly 200: {
                    headers: {
                        readonly [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        readonly ErrorEnvelope: {
            /** @description HTTP status */
            readonly code: number;
            /** @description Stable machine code, e.g. COUPON_EXPIRED */
            readonly error: string;
            /** @description Human message, zh-CN by default, en on Accept-Language: en */
            readonly message: string;
            readonly request_id: string;
        } & {
            readonly [key: string]: unknown;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
