/**
 * Error columns are 1-based and count Unicode code points of the text the operator wrote (a Chinese character
 * or an emoji is one column), over the whole text: a line break counts as one column like any other character.
 * Parsers report UTF-16 offsets; columnAt converts.
 */
export function columnAt(source: string, offset: number): number {
  const clamped = Math.max(0, Math.min(offset, source.length));
  let column = 1;
  for (let i = 0; i < clamped; i++) {
    const code = source.charCodeAt(i);
    // The high half of a pair counts; the low half that follows it does not.
    if (code < 0xdc00 || code > 0xdfff || i === 0 || !isHighSurrogate(source.charCodeAt(i - 1))) column++;
  }
  return column;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Maps an offset in the CEL text that was parsed back to an offset in the operator's text. */
export interface OffsetMap {
  toSource(celOffset: number): number;
}

/** CEL written by the operator is parsed as it is. */
export const IDENTITY_MAP: OffsetMap = { toSource: (celOffset) => celOffset };

/**
 * Where each piece of generated CEL came from: translate.ts records the start of every piece it writes, and an
 * offset inside the CEL maps to the source offset of the piece it falls in.
 */
export class PieceMap implements OffsetMap {
  private readonly celOffsets: number[] = [];
  private readonly sourceOffsets: number[] = [];

  add(celOffset: number, sourceOffset: number): void {
    this.celOffsets.push(celOffset);
    this.sourceOffsets.push(sourceOffset);
  }

  toSource(celOffset: number): number {
    let low = 0;
    let high = this.celOffsets.length - 1;
    let found = 0;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (this.celOffsets[mid]! <= celOffset) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return this.sourceOffsets[found] ?? 0;
  }
}
