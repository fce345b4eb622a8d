// Original file: proto/twophase/v1/admin.proto


export interface GetStatsResponse {
  /**
   * Counter name → value.
   */
  'stats'?: ({[key: string]: number | string});
}

export interface GetStatsResponse__Output {
  /**
   * Counter name → value.
   */
  'stats': ({[key: string]: number});
}
