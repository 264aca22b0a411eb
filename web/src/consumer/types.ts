/** The shapes of the API answers the consumer pages read (snake_case as the API sends them). */

export interface Profile {
  readonly user_id: string;
  readonly phone: string | null;
  readonly real_name_status: 'NONE' | 'VERIFIED';
  readonly roles: readonly string[];
}

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

/** The fields of an invoice as `POST /api/v1/invoices/preview` read them, before anything is submitted. */
export interface InvoicePreviewFields {
  readonly kind: 'DIGITAL' | 'LEGACY';
  readonly invoice_number: string | null;
  readonly invoice_code: string | null;
  readonly issue_date: string | null;
  readonly total_amount: string | null;
  readonly amount_with_tax: string | null;
  readonly check_code: string | null;
  readonly seller_tax_id: string | null;
  readonly seller_name: string | null;
  readonly buyer_name: string | null;
  readonly buyer_tax_id: string | null;
}

export type InvoicePreviewSource = 'xml' | 'ofd' | 'pdf-text' | 'qr' | 'ocr' | 'typed';

export interface InvoicePreview {
  readonly fields: InvoicePreviewFields;
  readonly sources: Partial<Record<keyof InvoicePreviewFields, InvoicePreviewSource>>;
  readonly problem: string | null;
}

export interface NumberCheck {
  readonly number: string;
  readonly valid: boolean;
  readonly message?: string;
  readonly message_en?: string;
  readonly region_name?: string;
  readonly registered: boolean;
}

export interface Chance {
  readonly campaign_id: string;
  readonly invoice_id: string;
  readonly granted: number;
  readonly used: number;
  readonly invoice_commit: string;
  readonly commit_salt: string;
}

export interface InstantDraw {
  readonly draw_id: string;
  readonly campaign_id: string;
  readonly position: number;
  readonly invoice_id: string;
  readonly chance: number;
  readonly prize_index: number | null;
  readonly log_index: number;
  readonly created_at: string;
}

export interface MyLottery {
  readonly chances: readonly Chance[];
  readonly draws: readonly InstantDraw[];
}

export interface PrizeSpec {
  readonly name: string;
  readonly kind: 'CASH' | 'COUPON';
  readonly amount?: string;
  readonly count: number;
  readonly tier?: string;
}

export interface Campaign {
  readonly campaign_id: string;
  readonly name: string;
  readonly status: 'SCHEDULED' | 'ACTIVE' | 'ENDING' | 'ENDED';
  readonly starts_at: string;
  readonly ends_at: string;
  readonly instant: { readonly tickets: number; readonly drawn: number; readonly prizes: readonly PrizeSpec[] } | null;
  readonly weekly: { readonly cron: string; readonly tiers: readonly PrizeSpec[] } | null;
}

export interface InstantDrawResult {
  readonly draw_id: string;
  readonly campaign_id: string;
  readonly position: number;
  readonly prize: (PrizeSpec & { readonly index: number }) | null;
  readonly log_index: number;
}

export interface Prize {
  readonly prize_id: string;
  readonly campaign_id: string;
  readonly source: 'INSTANT' | 'WEEKLY';
  readonly draw_id: string;
  readonly invoice_id: string;
  /** The prize's name as the campaign's rules give it (the instant pool's entry, or the weekly tier's). */
  readonly name: string;
  readonly tier: string | null;
  readonly kind: 'CASH' | 'COUPON';
  readonly amount: string | null;
  readonly coupon_code: string | null;
  readonly status: 'PENDING' | 'PAID' | 'ISSUED' | 'FAILED';
  readonly last_error: string | null;
  readonly payout_reference: string | null;
  readonly settled_at: string | null;
  readonly created_at: string;
}

export interface Coupon {
  readonly coupon_id: string;
  readonly coupon_code: string;
  readonly status: 'UNACTIVATED' | 'ACTIVATED' | 'FROZEN' | 'USED' | 'EXPIRED' | 'REFUNDED' | 'REVOKED';
  readonly balance: string;
  readonly valid_until: string | null;
  readonly name: string;
  readonly type: 'DISCOUNT' | 'THRESHOLD' | 'CASH' | 'GIFT_CARD';
}

export interface WeeklyWinner {
  readonly tier: string;
  readonly index: number;
  readonly invoice_commit: string;
  readonly chance: number;
}

export interface WeeklyDraw {
  readonly draw_id: string;
  readonly status: 'CLOSED' | 'DRAWN';
  readonly close_at: string;
  readonly entry_count: number;
  readonly entries_root: string;
  readonly winners: readonly WeeklyWinner[] | null;
  readonly drawn_at: string | null;
}

export interface EntryProof {
  readonly draw_id: string;
  readonly leaf: string;
  readonly index: number;
  readonly entry_count: number;
  readonly entries_root: string;
  readonly hashes: readonly string[];
}
