/**
 * `@acme/handler-bank-guarantee` — an example third-party step handler for Workflow Manager: a bank
 * guarantee lodged as collateral, checked at a guarantee register, re-checked at submission and
 * released on rollback.
 *
 * @since 0.1.0
 */
export { bankGuaranteeHandler } from "./bankGuaranteeHandler.js"
export {
  AlreadyPledged,
  type Guarantee,
  GuaranteeRegister,
  type GuaranteeRegisterService,
  type Pledge
} from "./GuaranteeRegister.js"
export { layerMemory, type MemoryGuaranteeRegister, makeMemoryGuaranteeRegister } from "./MemoryGuaranteeRegister.js"
export { bankGuaranteePolicy } from "./policy.js"
export {
  BankGuaranteeConfig,
  BankGuaranteeInput,
  BankGuaranteeOutput,
  Bic,
  GuaranteeReference,
  IsoDate
} from "./schemas.js"
