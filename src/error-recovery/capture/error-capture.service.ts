/**
 * Moved: the conductor is {@link ErrorPipeline} in `../error-pipeline.ts`. This alias only keeps the
 * interceptor (being replaced by handler wrapping) compiling until it imports the pipeline itself;
 * delete this file then. Not exported by the barrel.
 */
export { ErrorPipeline as ErrorCaptureService, type CapturedError, type RecoveryInput } from '../error-pipeline.js';
