import { describe, expect, it } from 'vitest';
import { identityModule } from '../src/modules/identity/index.js';
import { invoicesModule } from '../src/modules/invoices/index.js';
import { renderBureauSignedEInvoiceXml } from '../src/modules/invoices/xml/bureau-signature.js';
import { generateSigningKeyPair, parseEInvoiceXml, type EInvoiceData } from '../src/modules/invoices/xml/einvoice-xml.js';
import { itemAmountToFen } from '../src/modules/invoices/xml/item-amount.js';
import { makeSm2Certificate } from '../src/modules/invoices/xml/sm2-certificate.js';
import { backendPairs } from './support/backends.js';
import { http } from './support/http.js';
import { bearer, verifiedLogin } from './support/identity.js';
import { useTestServer, type TestServer } from './support/test-platform.js';

/**
 * 数电 XML in the tax bureau's own signature layout (Reference URI list, hex DER value, KeyInfo certificate; see
 * src/modules/invoices/xml/bureau-signature.ts), issued by the sandbox with `?layout=bureau`, uploaded as a person
 * would: it is accepted when intact, and each way it can be wrong has its own reason.
 */

async function upload(server: TestServer, token: string, xml: string) {
  const res = await fetch(`${server.base}/api/v1/invoices`, { method: 'POST', body: Buffer.from(xml), headers: { ...bearer(token), 'content-type': 'application/xml' } });
  const body = (await res.json()) as { error?: string; data?: { status: string } };
  return { status: res.status, error: body.error, accepted: body.data?.status };
}

async function issueBureauXml(server: TestServer, amount: string): Promise<string> {
  const issued = await http(`${server.base}/sandbox/tax/invoices`, { body: { total_amount: amount } });
  const number = (issued.json.data as { invoice_number: string }).invoice_number;
  const res = await fetch(`${server.base}/sandbox/tax/invoices/${number}.xml?layout=bureau`);
  expect(res.status).toBe(200);
  return res.text();
}

/** The same invoice signed by a bureau the platform does not trust. */
function signedElsewhere(xml: string): string {
  const read = parseEInvoiceXml(xml);
  const data: EInvoiceData = { ...read, issueTime: read.issueTime!, items: read.items.map(({ amount, tax, ...item }) => ({ ...item, amountFen: itemAmountToFen(amount)!, taxFen: itemAmountToFen(tax)! })) };
  const ca = generateSigningKeyPair();
  const signer = generateSigningKeyPair();
  const validity = { notBefore: new Date('2015-01-01T00:00:00Z'), notAfter: new Date('2050-01-01T00:00:00Z') };
  const certificate = makeSm2Certificate({ subjectName: 'Elsewhere signing', subjectPublicKeyHex: signer.publicKeyHex, issuerName: 'Elsewhere CA', issuerPrivateKeyHex: ca.privateKeyHex, ...validity });
  return renderBureauSignedEInvoiceXml(data, { privateKeyHex: signer.privateKeyHex, certificateDer: certificate, signedAt: new Date(`${read.issueDate}T03:00:00Z`) });
}

describe.each(backendPairs())('bureau-layout XML uploads on $label', ({ db, cache }) => {
  const server = useTestServer({ db, cache, modules: [identityModule, invoicesModule] });

  it('the sandbox publishes its bureau CA', async () => {
    const res = await http(`${server.base}/sandbox/tax/ca-certificates`);
    expect(res.status).toBe(200);
    expect((res.json.data as { certificates: string[] }).certificates).toHaveLength(1);
  });

  it('accepts an intact file and refuses each fault with its own reason', async () => {
    const { access_token } = await verifiedLogin(server.base);
    const xml = await issueBureauXml(server, '88.00');
    expect(xml).toContain('<Reference URI="/Einvoice/Header|');

    const tampered = xml.replace('长沙示例', '长春示例');
    expect(tampered).not.toBe(xml);
    expect(await upload(server, access_token, tampered)).toMatchObject({ status: 422, error: 'INVOICE_SIGNATURE_INVALID' });
    expect(await upload(server, access_token, xml.replace(/<SignatureValue>[^<]*<\/SignatureValue>/, '<SignatureValue></SignatureValue>'))).toMatchObject({ status: 422, error: 'INVOICE_SIGNATURE_MISSING' });
    expect(await upload(server, access_token, xml.replace(/ {2}<TaxBureauSignature>[\s\S]*<\/TaxBureauSignature>\n/, ''))).toMatchObject({ status: 422, error: 'INVOICE_SIGNATURE_MISSING' });
    expect(await upload(server, access_token, signedElsewhere(xml))).toMatchObject({ status: 422, error: 'INVOICE_SIGNATURE_UNTRUSTED' });
    // What lies outside the signed parts may change (a comment, the indentation): still the bureau's invoice.
    const reformatted = xml.replace('<EInvoice>\n', '<!-- 下载 -->\n<EInvoice>\n').replace(/\n {4}/g, '\n\t\t');
    expect(await upload(server, access_token, reformatted)).toMatchObject({ status: 200, accepted: 'ACCEPTED' });
  });

  it('lists the signature reasons in the caller language', async () => {
    const { access_token } = await verifiedLogin(server.base);
    const xml = await issueBureauXml(server, '66.00');
    const res = await fetch(`${server.base}/api/v1/invoices`, {
      method: 'POST',
      body: Buffer.from(signedElsewhere(xml)),
      headers: { ...bearer(access_token), 'content-type': 'application/xml', 'accept-language': 'en' },
    });
    const body = (await res.json()) as { reasons: { code: string; message: string }[] };
    expect(body.reasons[0]).toEqual({ code: 'INVOICE_SIGNATURE_UNTRUSTED', message: 'The certificate that signed the invoice was not issued by a trusted tax authority' });
  });
});
