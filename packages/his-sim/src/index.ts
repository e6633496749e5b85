export {
  createHisSim,
  DEFAULT_PLATFORM_SECRET,
  DEFAULT_TIMINGS,
  observe,
  rngFor,
  type HisSim,
  type HisSimOptions,
  type HisSimTimings,
  type ReceivedCall,
  type SimAdmission,
  type SimBill,
  type SimPatient,
  type SimPrescription,
  type SimReport,
  type SimVisit,
} from './sim.js';
export {
  DRUGS,
  IMAGING,
  LAB_PANELS,
  RX_PLANS,
  WARD_DAILY,
  referenceRangeFor,
  subjectOf,
  type ReferenceRange,
  type Subject,
} from './catalogue.js';
export { sign, signedHeaders } from './signing.js';
