/**
 * Ship and delivery dates (pure). A parcel handed over after the service's cut-off (in the service's time zone),
 * or on a day the carrier does not pick up, or on a carrier holiday, leaves on the next pickup day; transit days
 * count only the carrier's delivery weekdays that are not holidays. Dates are ISO `YYYY-MM-DD`; weekdays ISO (1 = Monday).
 */
export interface ServiceCalendar {
  cutoffLocal: string;
  timeZone: string;
  pickupWeekdays: readonly number[];
  deliveryWeekdays: readonly number[];
  holidays: readonly string[];
}

/** The local date, minutes since midnight and ISO weekday of an instant in a time zone. */
export function localParts(at: Date, timeZone: string): { date: string; minutes: number; weekday: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  return { date, minutes: Number(parts.hour) * 60 + Number(parts.minute), weekday: weekdayOf(date) };
}

export function weekdayOf(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** The day the carrier takes the parcel when it is ready at `ready`. */
export function shipDay(ready: Date, cal: ServiceCalendar): string {
  const local = localParts(ready, cal.timeZone);
  let day = local.minutes > minutesOf(cal.cutoffLocal) ? addDays(local.date, 1) : local.date;
  for (let i = 0; i < 30 && (!cal.pickupWeekdays.includes(weekdayOf(day)) || cal.holidays.includes(day)); i++) day = addDays(day, 1);
  return day;
}

/** The delivery date after `transitDays` delivery days from the ship day (0 = same day). */
export function deliveryDay(ship: string, transitDays: number, cal: ServiceCalendar): string {
  let day = ship;
  let left = transitDays;
  const isDeliveryDay = (d: string) => cal.deliveryWeekdays.includes(weekdayOf(d)) && !cal.holidays.includes(d);
  for (let guard = 0; guard < 400 && (left > 0 || !isDeliveryDay(day)); guard++) {
    day = addDays(day, 1);
    if (isDeliveryDay(day)) left--;
  }
  return day;
}

/** The first pickup day on or after a planned ship date (no cut-off: the parcel is ready that morning). */
export function shipDayFrom(date: string, cal: ServiceCalendar): string {
  let day = date;
  for (let i = 0; i < 30 && (!cal.pickupWeekdays.includes(weekdayOf(day)) || cal.holidays.includes(day)); i++) day = addDays(day, 1);
  return day;
}
