/**
 * 4×6 in shipping label in ZPL II at 203 dpi (812 × 1218 dots; Zebra ZPL II Programming Guide: ^XA/^XZ, ^PW, ^LL,
 * ^CI28 UTF-8, ^FO, ^A0, ^GB, ^BY, ^BC). The tracking number is Code 128 (start B via `>:`); the SSCC is GS1-128 in
 * ^BC mode D (the printer adds FNC1 and prints the "(00)" HRI), at the bottom as the GS1 logistic label puts it.
 * Pure: the same data gives the same bytes.
 */
export interface LabelData {
  shipFrom: { name?: string; address1?: string; city?: string; postcode?: string; countryCode?: string };
  shipTo: { name?: string; company?: string; address1?: string; address2?: string; city?: string; postcode?: string; countryCode?: string };
  carrierName: string;
  serviceName: string;
  trackingNumber: string;
  sscc: string;
  weightG: number;
  orderRef: string | null;
  cartonNo: number | null;
  cartonCount: number | null;
  shipDate: string;
}

/** Field data must not contain the ZPL command prefixes; control characters are dropped too. */
const clean = (s: string | undefined | null, max = 40) =>
  (s ?? '')
    .replace(/[\^~\p{Cc}]/gu, ' ')
    .trim()
    .slice(0, max);

export function labelZpl(d: LabelData): string {
  const to = d.shipTo;
  const from = d.shipFrom;
  const lines = [
    '^XA',
    '^CI28',
    '^PW812',
    '^LL1218',
    '^LH0,0',
    // Sender block
    `^FO30,30^A0N,26,26^FDFROM: ${clean(from.name)}^FS`,
    `^FO30,60^A0N,24,24^FD${clean(from.address1)}^FS`,
    `^FO30,88^A0N,24,24^FD${clean(`${from.postcode ?? ''} ${from.city ?? ''} ${from.countryCode ?? ''}`)}^FS`,
    `^FO560,30^A0N,40,40^FD${clean(d.carrierName, 16)}^FS`,
    `^FO560,78^A0N,26,26^FD${clean(d.serviceName, 20)}^FS`,
    '^FO20,125^GB772,3,3^FS',
    // Recipient block
    '^FO30,145^A0N,26,26^FDSHIP TO:^FS',
    `^FO30,180^A0N,44,44^FD${clean(to.name)}^FS`,
    `^FO30,230^A0N,36,36^FD${clean(to.company)}^FS`,
    `^FO30,272^A0N,36,36^FD${clean(to.address1)}^FS`,
    `^FO30,314^A0N,36,36^FD${clean(to.address2)}^FS`,
    `^FO30,360^A0N,52,52^FD${clean(`${to.postcode ?? ''} ${to.city ?? ''}`)}^FS`,
    `^FO30,420^A0N,40,40^FD${clean(to.countryCode)}^FS`,
    '^FO20,475^GB772,3,3^FS',
    // Tracking barcode
    `^FO30,495^A0N,28,28^FDTRACKING #: ${clean(d.trackingNumber)}^FS`,
    `^FO60,535^BY3,3,160^BCN,160,Y,N,N^FD>:${clean(d.trackingNumber)}^FS`,
    '^FO20,745^GB772,3,3^FS',
    `^FO30,765^A0N,26,26^FDORDER: ${clean(d.orderRef)}^FS`,
    `^FO30,800^A0N,26,26^FDCARTON: ${d.cartonNo ?? 1} OF ${d.cartonCount ?? 1}   WEIGHT: ${(d.weightG / 1000).toFixed(2)} KG^FS`,
    `^FO30,835^A0N,26,26^FDSHIP DATE: ${clean(d.shipDate)}^FS`,
    '^FO20,875^GB772,3,3^FS',
    // SSCC (GS1-128, AI 00) at the bottom
    '^FO30,890^A0N,26,26^FDSSCC^FS',
    `^FO60,925^BY3,3,200^BCN,200,Y,N,N,D^FD(00)${d.sscc}^FS`,
    '^XZ',
  ];
  return lines.join('\n') + '\n';
}
