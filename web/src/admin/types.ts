import type { Answer, Item } from '../api/types';

/** A lottery campaign as GET /api/v1/lottery/campaigns answers it (from the types generated from /openapi.json). */
export type Campaign = Item<Answer<'/api/v1/lottery/campaigns', 'get'>['campaigns']>;
