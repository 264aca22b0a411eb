import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * Page 1 of a PDF drawn to a PNG (unpdf's PDF.js with @napi-rs/canvas), `scale` × its size in points: for the OCR
 * bench, which reads a PDF's print as a photo or screenshot of it would be read. In process: trusted files only.
 */
export async function renderPdfPage1(bytes: Uint8Array, scale = 2): Promise<Buffer> {
  // PDF.js 5 needs ArrayBuffer.prototype.transferToFixedLength (Node 21+) to load fonts; see files/pdf.ts.
  if (typeof (ArrayBuffer.prototype as { transferToFixedLength?: unknown }).transferToFixedLength !== 'function') {
    Object.defineProperty(ArrayBuffer.prototype, 'transferToFixedLength', {
      configurable: true,
      writable: true,
      value: function (this: ArrayBuffer, length = this.byteLength) {
        const copy = new ArrayBuffer(length);
        new Uint8Array(copy).set(new Uint8Array(this, 0, Math.min(length, this.byteLength)));
        return copy;
      },
    });
  }
  const { createIsomorphicCanvasFactory, getDocumentProxy } = (await import('unpdf')) as unknown as {
    createIsomorphicCanvasFactory: (load: () => Promise<unknown>) => Promise<new () => CanvasFactory>;
    getDocumentProxy: (data: Uint8Array, options: object) => Promise<PdfDocument>;
  };
  const CanvasFactory = await createIsomorphicCanvasFactory(() => Promise.resolve(require('@napi-rs/canvas')));
  const factory = new CanvasFactory();
  const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0, isEvalSupported: false, disableFontFace: true, CanvasFactory });
  try {
    const page = await pdf.getPage(1);
    const viewport = page.getViewport({ scale });
    const drawing = factory.create(Math.floor(viewport.width), Math.floor(viewport.height));
    drawing.context.fillStyle = '#ffffff';
    drawing.context.fillRect(0, 0, drawing.canvas.width, drawing.canvas.height);
    await page.render({ canvas: drawing.canvas, canvasContext: drawing.context, viewport }).promise;
    return drawing.canvas.toBuffer('image/png');
  } finally {
    await pdf.loadingTask.destroy();
  }
}

interface CanvasFactory {
  create(width: number, height: number): { canvas: { width: number; height: number; toBuffer(mime: 'image/png'): Buffer }; context: { fillStyle: string; fillRect(x: number, y: number, w: number, h: number): void } };
}
interface PdfDocument {
  getPage(n: number): Promise<{ getViewport(o: { scale: number }): { width: number; height: number }; render(o: object): { promise: Promise<void> } }>;
  loadingTask: { destroy(): Promise<void> };
}
