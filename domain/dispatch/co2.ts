/**
 * CO₂e estimates for own-fleet driving, from distance and the vehicle's fuel (pure).
 *
 * Fuel factors (kg CO₂e per unit, scope 1 direct combustion; electricity = generation + T&D):
 * UK Government GHG Conversion Factors for Company Reporting (DESNZ/DEFRA), as tabulated in the
 * Energy Saving Trust Fleet Decarbonisation Toolkit ("HDV GHG and kWh calculations"):
 * diesel (average biofuel blend) 2.51 kg/litre, petrol 2.10 kg/litre, UK grid electricity
 * 0.212 kg/kWh + 0.017 kg/kWh transmission and distribution.
 *
 * Consumption per km is our assumption for urban multi-drop vans (no factor set publishes it per
 * vehicle here): diesel 10 L/100 km, petrol 11 L/100 km, battery electric 0.25 kWh/km. Where a
 * fleet knows its own consumption, it replaces these numbers and the factors stay.
 */
export const FUELS = ['diesel', 'petrol', 'electric'] as const;
export type Fuel = (typeof FUELS)[number];

export const FUEL_FACTOR_KG = { diesel: 2.51, petrol: 2.1, electricityKwh: 0.212 + 0.017 } as const;
export const CONSUMPTION_PER_KM = { diesel: 0.1, petrol: 0.11, electric: 0.25 } as const;

/** kg CO₂e per km driven for a fuel. */
export function co2eKgPerKm(fuel: Fuel): number {
  if (fuel === 'electric') return CONSUMPTION_PER_KM.electric * FUEL_FACTOR_KG.electricityKwh;
  return CONSUMPTION_PER_KM[fuel] * FUEL_FACTOR_KG[fuel];
}

/** Grams of CO₂e for `distanceM` metres driven on `fuel`. */
export function co2eG(distanceM: number, fuel: Fuel): number {
  return (distanceM / 1000) * co2eKgPerKm(fuel) * 1000;
}
