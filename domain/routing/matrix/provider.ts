/** A point on Earth (WGS84 degrees), optionally tagged with the kind of area around it. */
export interface GeoPoint {
  lat: number;
  lon: number;
  area?: AreaType;
}

export type AreaType = 'urban' | 'suburban' | 'rural';

/** Row-major n×n matrices: entry [i*n+j] is the trip from point i to point j. */
export interface TravelMatrix {
  n: number;
  distanceM: Float64Array;
  durationS: Float64Array;
}

/** Anything that turns a list of points into distance and duration matrices. */
export interface MatrixProvider {
  matrix(points: GeoPoint[]): Promise<TravelMatrix>;
}
