// k samples are one of the reducers of ratings/reduce.ts (mean, median, majority with ties to the lower score)
export { reduceSamples, type Reducer } from '../ratings/reduce.ts';
