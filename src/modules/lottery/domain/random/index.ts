export { ChaChaStream, SEED_BYTES } from './chacha-stream.js';
export { uniformBelow, type U64Source } from './uniform.js';
export { shufflePermutation } from './fisher-yates.js';
export { selectWinners, type PrizeTier, type Winner, type WinnerSelectionInput } from './select-winners.js';
