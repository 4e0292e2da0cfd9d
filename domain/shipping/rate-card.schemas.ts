import { z } from 'zod';

/**
 * A rate card's body: everything a carrier publishes for one service in one period, as data.
 * Units follow the card (`imperial`: inches and pounds, as UPS/FedEx/USPS publish; `metric`: cm and kg, as DHL
 * Express and European parcel carriers do); the rating function converts the parcel's mm/g into them.
 * Facts behind the fields: ../../docs or the shared carrier notes (divisors 139/166 in³/lb, 5000 cm³/kg; UPS/FedEx round
 * each dimension up since 2025-08-18, USPS rounds to the nearest inch; billable = max(actual, DIM) per package).
 */
const amount = z.number().int().min(0);
const positive = z.number().positive();

const breakRow = z.object({
  /** Inclusive upper bound of the break, in the card's weight unit (after rounding to the increment). */
  upTo: positive,
  priceMinor: amount,
});

export const rateCardBody = z
  .object({
    units: z.enum(['imperial', 'metric']),
    /** Zone chart (zone_chart_row.chart_code) giving zones from origin/destination postal codes; null = one zone for all. */
    zoneChart: z.string().min(1).nullable(),
    dim: z.object({
      /** in³/lb (imperial) or cm³/kg (metric). */
      divisor: positive,
      /** How each of L, W, H is rounded to a whole inch/cm before multiplying. */
      lengthRounding: z.enum(['up', 'nearest']),
      /** DIM weight applies only when the rounded volume exceeds this (USPS: 1728 in³); 0 = always. */
      minVolume: z.number().min(0).default(0),
    }),
    /** Actual and DIM weights are each rounded up to a multiple of this (1 lb; 0.5 kg). */
    weightIncrement: positive,
    /** Price by zone: ascending weight breaks; a weight above the last break is not served by this card. */
    breaks: z.record(z.string(), z.array(breakRow).min(1)),
    surcharges: z
      .object({
        /** Fuel, a percentage of base + every other surcharge (carriers publish it weekly: a new card version). */
        fuelPct: z.number().min(0).max(100).default(0),
        residentialMinor: amount.default(0),
        /** Delivery-area surcharges by destination postal-code prefix (the carriers' DAS ZIP lists). */
        deliveryArea: z
          .array(z.object({ kind: z.enum(['das', 'das_extended', 'remote']), prefixes: z.array(z.string().min(1)), amountMinor: amount }))
          .default([]),
        additionalHandling: z
          .object({
            amountMinor: amount,
            weightOver: positive.optional(),
            longestSideOver: positive.optional(),
            secondSideOver: positive.optional(),
            lengthGirthOver: positive.optional(),
          })
          .optional(),
        largePackage: z
          .object({
            amountMinor: amount,
            lengthGirthOver: positive.optional(),
            longestSideOver: positive.optional(),
            /** Billable weight floor of a large package (UPS: 90 lb). */
            minBillableWeight: z.number().min(0).default(0),
          })
          .optional(),
      })
      .default({ fuelPct: 0, residentialMinor: 0, deliveryArea: [] }),
    limits: z.object({
      maxWeight: positive,
      maxLength: positive,
      /** Length + girth (girth = 2W + 2H) limit. */
      maxLengthGirth: positive,
    }),
  })
  .superRefine((card, ctx) => {
    for (const [zone, rows] of Object.entries(card.breaks)) {
      for (let i = 1; i < rows.length; i++) {
        if (rows[i]!.upTo <= rows[i - 1]!.upTo)
          ctx.addIssue({ code: 'custom', path: ['breaks', zone, i, 'upTo'], message: 'weight breaks must ascend' });
        // A heavier parcel never costs less within a zone: that is what makes "price never falls" a card invariant.
        if (rows[i]!.priceMinor < rows[i - 1]!.priceMinor)
          ctx.addIssue({ code: 'custom', path: ['breaks', zone, i, 'priceMinor'], message: 'prices must not fall as weight rises' });
      }
    }
    const ah = card.surcharges.additionalHandling;
    const lp = card.surcharges.largePackage;
    if (ah && lp && lp.amountMinor < ah.amountMinor)
      ctx.addIssue({
        code: 'custom',
        path: ['surcharges', 'largePackage', 'amountMinor'],
        message: 'a large-package surcharge replaces additional handling, so it must not be smaller',
      });
  });
export type RateCardBody = z.infer<typeof rateCardBody>;
export type RateCardInput = z.input<typeof rateCardBody>;

export const rateCardUpload = z.object({
  carrier: z.string().min(1).max(40),
  service: z.string().min(1).max(40),
  effectiveFrom: z.iso.date(),
  effectiveTo: z.iso.date().nullable().optional(),
  currency: z.string().length(3),
  body: rateCardBody,
});
