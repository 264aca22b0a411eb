import type { Answer, Item } from '../api/types';

/**
 * The shapes of the API answers the consumer pages read (snake_case as the API sends them), from the types
 * generated from the server's OpenAPI document (web/src/api/schema.d.ts).
 */

export type Profile = Answer<'/api/v1/users/me', 'get'>;

export type InvoicePreview = Answer<'/api/v1/invoices/preview', 'post'>;
/** The fields of an invoice as `POST /api/v1/invoices/preview` read them, before anything is submitted. */
export type InvoicePreviewFields = InvoicePreview['fields'];
export type InvoicePreviewSource = NonNullable<InvoicePreview['sources'][keyof InvoicePreview['sources']]>;

export type MyLottery = Answer<'/api/v1/users/me/lottery', 'get'>;
export type Chance = Item<MyLottery['chances']>;
export type InstantDraw = Item<MyLottery['draws']>;

export type Campaign = Item<Answer<'/api/v1/lottery/campaigns', 'get'>['campaigns']>;
export type PrizeSpec = Item<NonNullable<Campaign['instant']>['prizes']>;
export type InstantDrawResult = Answer<'/api/v1/lottery/instant-draw', 'post'>;
export type Prize = Item<Answer<'/api/v1/users/me/prizes', 'get'>['prizes']>;
export type Coupon = Item<Answer<'/api/v1/users/me/coupons', 'get'>['coupons']>;

export type WeeklyDraw = Item<Answer<'/api/v1/lottery/campaigns/{id}/weekly-draws', 'get'>['draws']>;
export type WeeklyWinner = Item<NonNullable<WeeklyDraw['winners']>>;
export type EntryProof = Answer<'/api/v1/lottery/draws/{id}/entry-proof', 'get'>;

// ---- not in the contract yet ----
// The invoices module's routes below document no answer in /openapi.json yet (only POST /invoices/preview does),
// so these three are still written by hand; when those routes get response schemas, derive them like the rest.

export interface Reason {
  readonly code: string;
  readonly message: string;
}

export interface MyInvoice {
  readonly invoice_id: string;
  readonly kind: 'DIGITAL' | 'LEGACY';
  readonly invoice_number: string;
  readonly issue_date: string | null;
  readonly total_amount: string | null;
  readonly seller_name: string | null;
  readonly status: 'ACCEPTED' | 'REJECTED' | string;
  readonly reasons: readonly Reason[];
  readonly entry: string;
  readonly submitted_at: string;
}

export interface AcceptedInvoice {
  readonly invoice_id: string;
  readonly status: 'ACCEPTED';
  readonly invoice_number: string;
  readonly issue_date: string;
  readonly total_amount: string;
  readonly seller_name: string | null;
  readonly sources: Record<string, string>;
}

export interface NumberCheck {
  readonly number: string;
  readonly valid: boolean;
  readonly message?: string;
  readonly message_en?: string;
  readonly region_name?: string;
  readonly registered: boolean;
}
