// GS1 Application Identifier table. Facts (lengths, character sets, predefined-length flags, check
// digits, date rules, Digital Link keys) are from the GS1 General Specifications §3.2 "GS1 Application
// Identifiers in numerical order" and §7.8.5 (predefined-length table), as tabulated in the GS1
// Barcode Syntax Dictionary. The spec strings below use that dictionary's notation:
//   N = digits, X = CSET 82, Y = CSET 39, Z = CSET 64; "N6" fixed, "X..20" 1..20, "N6..12" 6..12,
//   "[X..17]" optional last part; ",lint" names a content rule (csum, yymmd0, yymmdd, hhmm, …).

export type Cset = 'N' | 'X' | 'Y' | 'Z';
export type Lint = 'csum' | 'zero' | 'yymmd0' | 'yymmdd' | 'yyyymmdd' | 'yymmddhh' | 'hhmm' | 'mmoptss' | 'hyphen';

export interface AiComponent {
  cset: Cset;
  /** Shortest accepted length of this part when present. */
  min: number;
  max: number;
  /** An optional trailing part may be absent (length 0). */
  optional: boolean;
  lints: Lint[];
}

export interface AiDef {
  ai: string;
  title: string;
  /** In the predefined-length table (§7.8.5): never followed by FNC1. */
  predefined: boolean;
  components: AiComponent[];
  minLength: number;
  maxLength: number;
  /** 310n…369n, 390n…395n: the AI's last digit is the number of implied decimals. */
  decimal: boolean;
  /** GS1 Digital Link primary key: the ordered qualifier alternatives it accepts (may be empty). */
  dlQualifiers?: string[][];
}

// First two digits of the AIs whose element strings have a predefined length (§7.8.5, figure 7.8.5-2).
// Kept separate from the table on purpose: the spec fixes this list independently of future AIs.
export const PREDEFINED_LENGTH_PREFIXES: ReadonlyMap<string, number> = new Map([
  ['00', 20],
  ['01', 16],
  ['02', 16],
  ['03', 16],
  ['04', 18],
  ['11', 8],
  ['12', 8],
  ['13', 8],
  ['14', 8],
  ['15', 8],
  ['16', 8],
  ['17', 8],
  ['18', 8],
  ['19', 8],
  ['20', 4],
  ['31', 10],
  ['32', 10],
  ['33', 10],
  ['34', 10],
  ['35', 10],
  ['36', 10],
  ['41', 16],
]);

type Row = [ai: string, spec: string, title: string, dl?: string];

// Measures 31nn…36nn share one shape; [prefix, title].
const MEASURES: [string, string][] = [
  ['310', 'NET WEIGHT (kg)'],
  ['311', 'LENGTH (m)'],
  ['312', 'WIDTH (m)'],
  ['313', 'HEIGHT (m)'],
  ['314', 'AREA (m2)'],
  ['315', 'NET VOLUME (l)'],
  ['316', 'NET VOLUME (m3)'],
  ['320', 'NET WEIGHT (lb)'],
  ['321', 'LENGTH (in)'],
  ['322', 'LENGTH (ft)'],
  ['323', 'LENGTH (yd)'],
  ['324', 'WIDTH (in)'],
  ['325', 'WIDTH (ft)'],
  ['326', 'WIDTH (yd)'],
  ['327', 'HEIGHT (in)'],
  ['328', 'HEIGHT (ft)'],
  ['329', 'HEIGHT (yd)'],
  ['330', 'GROSS WEIGHT (kg)'],
  ['331', 'LENGTH (m), log'],
  ['332', 'WIDTH (m), log'],
  ['333', 'HEIGHT (m), log'],
  ['334', 'AREA (m2), log'],
  ['335', 'VOLUME (l), log'],
  ['336', 'VOLUME (m3), log'],
  ['337', 'KG PER m2'],
  ['340', 'GROSS WEIGHT (lb)'],
  ['341', 'LENGTH (in), log'],
  ['342', 'LENGTH (ft), log'],
  ['343', 'LENGTH (yd), log'],
  ['344', 'WIDTH (in), log'],
  ['345', 'WIDTH (ft), log'],
  ['346', 'WIDTH (yd), log'],
  ['347', 'HEIGHT (in), log'],
  ['348', 'HEIGHT (ft), log'],
  ['349', 'HEIGHT (yd), log'],
  ['350', 'AREA (in2)'],
  ['351', 'AREA (ft2)'],
  ['352', 'AREA (yd2)'],
  ['353', 'AREA (in2), log'],
  ['354', 'AREA (ft2), log'],
  ['355', 'AREA (yd2), log'],
  ['356', 'NET WEIGHT (t oz)'],
  ['357', 'NET VOLUME (oz)'],
  ['360', 'NET VOLUME (qt)'],
  ['361', 'NET VOLUME (gal.)'],
  ['362', 'VOLUME (qt), log'],
  ['363', 'VOLUME (gal.), log'],
  ['364', 'VOLUME (in3)'],
  ['365', 'VOLUME (ft3)'],
  ['366', 'VOLUME (yd3)'],
  ['367', 'VOLUME (in3), log'],
  ['368', 'VOLUME (ft3), log'],
  ['369', 'VOLUME (yd3), log'],
];

const ROWS: Row[] = [
  ['00', 'N18,csum', 'SSCC', ''],
  ['01', 'N14,csum', 'GTIN', '22,10,21|235'],
  ['02', 'N14,csum', 'CONTENT'],
  ['03', 'N14,csum', 'MTO GTIN'],
  ['10', 'X..20', 'BATCH/LOT'],
  ['11', 'N6,yymmd0', 'PROD DATE'],
  ['12', 'N6,yymmd0', 'DUE DATE'],
  ['13', 'N6,yymmd0', 'PACK DATE'],
  ['15', 'N6,yymmd0', 'BEST BEFORE or BEST BY'],
  ['16', 'N6,yymmd0', 'SELL BY'],
  ['17', 'N6,yymmd0', 'USE BY or EXPIRY'],
  ['20', 'N2', 'VARIANT'],
  ['21', 'X..20', 'SERIAL'],
  ['22', 'X..20', 'CPV'],
  ['235', 'X..28', 'TPX'],
  ['240', 'X..30', 'ADDITIONAL ID'],
  ['241', 'X..30', 'CUST. PART No.'],
  ['242', 'N..6', 'MTO VARIANT'],
  ['243', 'X..20', 'PCN'],
  ['250', 'X..30', 'SECONDARY SERIAL'],
  ['251', 'X..30', 'REF. TO SOURCE'],
  ['253', 'N13,csum [X..17]', 'GDTI', ''],
  ['254', 'X..20', 'GLN EXTENSION COMPONENT'],
  ['255', 'N13,csum [N..12]', 'GCN', ''],
  ['30', 'N..8', 'VAR. COUNT'],
  ['37', 'N..8', 'COUNT'],
  ['400', 'X..30', 'ORDER NUMBER'],
  ['401', 'X..30', 'GINC', ''],
  ['402', 'N17,csum', 'GSIN', ''],
  ['403', 'X..30', 'ROUTE'],
  ['410', 'N13,csum', 'SHIP TO LOC'],
  ['411', 'N13,csum', 'BILL TO'],
  ['412', 'N13,csum', 'PURCHASE FROM'],
  ['413', 'N13,csum', 'SHIP FOR LOC'],
  ['414', 'N13,csum', 'LOC No.', '254|7040'],
  ['415', 'N13,csum', 'PAY TO', '8020'],
  ['416', 'N13,csum', 'PROD/SERV LOC'],
  ['417', 'N13,csum', 'PARTY', '7040'],
  ['420', 'X..20', 'SHIP TO POST'],
  ['421', 'N3 X..9', 'SHIP TO POST'],
  ['422', 'N3', 'ORIGIN'],
  ['423', 'N3 [N3] [N3] [N3] [N3]', 'COUNTRY - INITIAL PROCESS'],
  ['424', 'N3', 'COUNTRY - PROCESS'],
  ['425', 'N3 [N3] [N3] [N3] [N3]', 'COUNTRY - DISASSEMBLY'],
  ['426', 'N3', 'COUNTRY - FULL PROCESS'],
  ['427', 'X..3', 'ORIGIN SUBDIVISION'],
  ['4300', 'X..35', 'SHIP TO COMP'],
  ['4301', 'X..35', 'SHIP TO NAME'],
  ['4302', 'X..70', 'SHIP TO ADD1'],
  ['4303', 'X..70', 'SHIP TO ADD2'],
  ['4304', 'X..70', 'SHIP TO SUB'],
  ['4305', 'X..70', 'SHIP TO LOC'],
  ['4306', 'X..70', 'SHIP TO REG'],
  ['4307', 'X2', 'SHIP TO COUNTRY'],
  ['4308', 'X..30', 'SHIP TO PHONE'],
  ['4309', 'N10 N10', 'SHIP TO GEO'],
  ['4310', 'X..35', 'RTN TO COMP'],
  ['4311', 'X..35', 'RTN TO NAME'],
  ['4312', 'X..70', 'RTN TO ADD1'],
  ['4313', 'X..70', 'RTN TO ADD2'],
  ['4314', 'X..70', 'RTN TO SUB'],
  ['4315', 'X..70', 'RTN TO LOC'],
  ['4316', 'X..70', 'RTN TO REG'],
  ['4317', 'X2', 'RTN TO COUNTRY'],
  ['4318', 'X..20', 'RTN TO POST'],
  ['4319', 'X..30', 'RTN TO PHONE'],
  ['4320', 'X..35', 'SRV DESCRIPTION'],
  ['4321', 'N1', 'DANGEROUS GOODS'],
  ['4322', 'N1', 'AUTH TO LEAVE'],
  ['4323', 'N1', 'SIG REQUIRED'],
  ['4324', 'N6,yymmd0 N4,hhmm', 'NOT BEF DEL DT'],
  ['4325', 'N6,yymmd0 N4,hhmm', 'NOT AFT DEL DT'],
  ['4326', 'N6,yymmdd', 'REL DATE'],
  ['4330', 'N6 [X1],hyphen', 'MAX TEMP F.'],
  ['4331', 'N6 [X1],hyphen', 'MAX TEMP C.'],
  ['4332', 'N6 [X1],hyphen', 'MIN TEMP F.'],
  ['4333', 'N6 [X1],hyphen', 'MIN TEMP C.'],
  ['7001', 'N13', 'NSN'],
  ['7002', 'X..30', 'MEAT CUT'],
  ['7003', 'N6,yymmdd N4,hhmm', 'EXPIRY TIME'],
  ['7004', 'N..4', 'ACTIVE POTENCY'],
  ['7005', 'X..12', 'CATCH AREA'],
  ['7006', 'N6,yymmdd', 'FIRST FREEZE DATE'],
  ['7007', 'N6,yymmdd [N6],yymmdd', 'HARVEST DATE'],
  ['7008', 'X..3', 'AQUATIC SPECIES'],
  ['7009', 'X..10', 'FISHING GEAR TYPE'],
  ['7010', 'X..2', 'PROD METHOD'],
  ['7011', 'N6,yymmdd [N4],hhmm', 'TEST BY DATE'],
  ['7020', 'X..20', 'REFURB LOT'],
  ['7021', 'X..20', 'FUNC STAT'],
  ['7022', 'X..20', 'REV STAT'],
  ['7023', 'X..30', 'GIAI - ASSEMBLY'],
  ['7040', 'N1 X3', 'UIC+EXT'],
  ['7041', 'X..4', 'UFRGT UNIT TYPE'],
  ['710', 'X..20', 'NHRN PZN'],
  ['711', 'X..20', 'NHRN CIP'],
  ['712', 'X..20', 'NHRN CN'],
  ['713', 'X..20', 'NHRN DRN'],
  ['714', 'X..20', 'NHRN AIM'],
  ['715', 'X..20', 'NHRN NDC'],
  ['716', 'X..20', 'NHRN AIC'],
  ['717', 'X..20', 'NHRN SRN'],
  ['7240', 'X..20', 'PROTOCOL'],
  ['7241', 'N2', 'AIDC MEDIA TYPE'],
  ['7242', 'X..25', 'VCN'],
  ['7250', 'N8,yyyymmdd', 'DOB'],
  ['7251', 'N8,yyyymmdd N4,hhmm', 'DOB TIME'],
  ['7252', 'N1', 'BIO SEX'],
  ['7253', 'X..40', 'FAMILY NAME'],
  ['7254', 'X..40', 'GIVEN NAME'],
  ['7255', 'X..10', 'SUFFIX'],
  ['7256', 'X..90', 'FULL NAME'],
  ['7257', 'X..70', 'PERSON ADDR'],
  ['7258', 'X3', 'BIRTH SEQUENCE'],
  ['7259', 'X..40', 'BABY'],
  ['8001', 'N14', 'DIMENSIONS'],
  ['8002', 'X..20', 'CMT No.'],
  ['8003', 'N1,zero N13,csum [X..16]', 'GRAI', ''],
  ['8004', 'X..30', 'GIAI', '7040'],
  ['8005', 'N6', 'PRICE PER UNIT'],
  ['8006', 'N14,csum N4', 'ITIP', '22,10,21'],
  ['8007', 'X..34', 'IBAN'],
  ['8008', 'N8,yymmddhh [N..4],mmoptss', 'PROD TIME'],
  ['8009', 'X..50', 'OPTSEN'],
  ['8010', 'Y..30', 'CPID', '8011'],
  ['8011', 'N..12', 'CPID SERIAL'],
  ['8012', 'X..20', 'VERSION'],
  ['8013', 'X..25', 'GMN', ''],
  ['8014', 'X..25', 'MUDI'],
  ['8017', 'N18,csum', 'GSRN - PROVIDER', '8019'],
  ['8018', 'N18,csum', 'GSRN - RECIPIENT', '8019'],
  ['8019', 'N..10', 'SRIN'],
  ['8020', 'X..25', 'REF No.'],
  ['8026', 'N14,csum N4', 'ITIP CONTENT'],
  ['8030', 'Z..90', 'DIGSIG'],
  ['8040', 'N15', 'IMEI'],
  ['8041', 'N15', 'IMEI2'],
  ['8042', 'N32', 'ESIM'],
  ['8043', 'N18 [N..2]', 'PSIM'],
  ['8110', 'X..70', 'COUPON CODE'],
  ['8111', 'N4', 'POINTS'],
  ['8112', 'X..70', 'PAPERLESS COUPON'],
  ['8200', 'X..70', 'PRODUCT URL'],
  ['90', 'X..30', 'INTERNAL'],
];

function addRange(rows: Row[]): void {
  for (const [prefix, title] of MEASURES) for (let n = 0; n <= 5; n++) rows.push([prefix + n, 'N6', title]);
  for (let n = 0; n <= 9; n++) {
    rows.push(['390' + n, 'N..15', 'AMOUNT']);
    rows.push(['391' + n, 'N3 N..15', 'AMOUNT']);
    rows.push(['392' + n, 'N..15', 'PRICE']);
    rows.push(['393' + n, 'N3 N..15', 'PRICE']);
    rows.push(['703' + n, 'N3 X..27', `PROCESSOR # ${n}`]);
    rows.push(['723' + n, 'X2 X..28', `CERT # ${n + 1}`]);
  }
  for (let n = 0; n <= 3; n++) rows.push(['394' + n, 'N4', 'PRCNT OFF']);
  for (let n = 0; n <= 5; n++) rows.push(['395' + n, 'N6', 'PRICE/UoM']);
  for (let n = 91; n <= 99; n++) rows.push([String(n), 'X..90', 'INTERNAL']);
}

const COMPONENT = /^(\[)?([NXYZ])(\d*)(?:\.\.(\d+))?(\])?((?:,[a-z0-9]+)*)$/;

function parseSpec(ai: string, spec: string): AiComponent[] {
  return spec.split(' ').map((part) => {
    const m = COMPONENT.exec(part);
    if (!m) throw new Error(`bad AI spec for ${ai}: ${part}`);
    const [, open, cset, a, b, , lints] = m;
    // "N6" → 6..6, "X..20" → 1..20, "N6..12" → 6..12
    const min = b === undefined ? Number(a) : a === '' ? 1 : Number(a);
    const max = b === undefined ? Number(a) : Number(b);
    return { cset: cset as Cset, min, max, optional: open === '[', lints: lints ? (lints.slice(1).split(',') as Lint[]) : [] };
  });
}

function isDecimalAi(ai: string): boolean {
  return ai.length === 4 && (/^3[1-6]/.test(ai) || /^39[0-5]/.test(ai));
}

function build(): Map<string, AiDef> {
  const rows = [...ROWS];
  addRange(rows);
  const table = new Map<string, AiDef>();
  for (const [ai, spec, title, dl] of rows) {
    const components = parseSpec(ai, spec);
    const def: AiDef = {
      ai,
      title,
      predefined: PREDEFINED_LENGTH_PREFIXES.has(ai.slice(0, 2)),
      components,
      minLength: components.reduce((s, c) => s + (c.optional ? 0 : c.min), 0),
      maxLength: components.reduce((s, c) => s + c.max, 0),
      decimal: isDecimalAi(ai),
    };
    if (dl !== undefined) def.dlQualifiers = dl === '' ? [] : dl.split('|').map((alt) => alt.split(','));
    table.set(ai, def);
  }
  return table;
}

/** Every supported AI, keyed by its digits. */
export const AI_TABLE: ReadonlyMap<string, AiDef> = build();

/** The AI definition whose digits begin `data` at `offset` (AIs are prefix-free), or undefined. */
export function lookupAiAt(data: string, offset: number): AiDef | undefined {
  for (let len = 2; len <= 4; len++) {
    if (offset + len > data.length) return undefined;
    const def = AI_TABLE.get(data.slice(offset, offset + len));
    if (def) return def;
  }
  return undefined;
}

/** True when the value of `def` has one length only (it then needs no FNC1 to be split). */
export function isFixedLength(def: AiDef): boolean {
  return def.minLength === def.maxLength;
}
