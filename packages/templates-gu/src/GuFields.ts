/**
 * The grid user's own form fields: contact services, the connection request (technical
 * specifications, the optional in-depth study), the operator's assessment (substantial
 * modernisation, connection point, access point), the installation description, and the appointed
 * ACH.
 *
 * @since 0.1.0
 */
import { type JsonObject, TemplateInvalid } from "@workflow-manager/core"
import { addressField } from "@workflow-manager/templates-base"

/**
 * The services a grid user's contact can be for.
 *
 * @since 0.1.0
 * @category fields
 */
export const guContactServices: ReadonlyArray<string> = [
  "management",
  "contract",
  "invoicing",
  "operations",
  "technical",
  "metering"
]

/** `levels` when it is a list of 1–30 voltage levels; a `TemplateInvalid` otherwise, never a `TypeError`. */
const checkLevels = (levels: unknown): ReadonlyArray<string> => {
  if (
    Array.isArray(levels) &&
    levels.length >= 1 &&
    levels.length <= 30 &&
    levels.every((l) => typeof l === "string" && /^[1-9][0-9]{0,3}(\.[0-9])?$/.test(l))
  ) {
    return levels
  }
  throw new TemplateInvalid({
    templateId: "(fields)",
    issues: [{ path: "voltageLevels", message: 'must be a list of 1 to 30 voltage levels in kV, such as "150"' }]
  })
}

const voltage = (label: string, levels: ReadonlyArray<string>, required: boolean): JsonObject => ({
  type: "enum",
  label,
  values: [...checkLevels(levels)],
  required
})

const accessPoint = (label: string, required: boolean): JsonObject => ({
  type: "string",
  label,
  required,
  validator: "ean-gsrn:BE",
  help: "18 digits starting with 5414, e.g. 541449500000012346"
})

/**
 * The connection request's technical specifications (beside the base's requested start): the
 * site, a new connection or a modification of one, what is installed, the capacity and voltage
 * requested, and whether an in-depth study (at the regulated tariff) is wanted.
 *
 * @throws TemplateInvalid when `levels` is not a list of 1 to 30 voltage levels
 *
 * @since 0.1.0
 * @category fields
 */
export const connectionRequestFields = (levels: ReadonlyArray<string>): JsonObject => ({
  site: {
    type: "object",
    label: "Site",
    required: true,
    fields: {
      name: { type: "string", label: "Site name", required: true, min: 1, max: 200 },
      address: addressField("Site address", true)
    }
  },
  request: {
    type: "enum",
    label: "Request",
    values: ["new-connection", "modification"],
    required: true
  },
  existingAccessPoint: accessPoint("Existing access point (for a modification)", false),
  installationType: {
    type: "enum",
    label: "Installation",
    values: ["consumption", "production", "storage", "mixed"],
    required: true
  },
  requestedCapacityMva: { type: "number", label: "Requested capacity (MVA)", required: true, min: 0, max: 10_000 },
  maxOfftakeMw: { type: "number", label: "Maximum offtake (MW)", min: 0, max: 10_000 },
  maxInjectionMw: { type: "number", label: "Maximum injection (MW)", min: 0, max: 10_000 },
  requestedVoltageKv: voltage("Requested voltage level (kV)", levels, true),
  specificationsRef: {
    type: "string",
    label: "Technical specifications (single-line diagram, document reference)",
    required: true,
    min: 1,
    max: 200
  },
  inDepthStudy: {
    type: "boolean",
    label: "Request an in-depth study (at the regulated tariff)",
    required: true
  }
})

/**
 * The operator's in-depth study of a connection request (only when the grid user asked for one).
 *
 * @since 0.1.0
 * @category fields
 */
export const inDepthStudyFields: JsonObject = {
  studyReference: { type: "string", label: "Study reference", required: true, min: 1, max: 100 },
  conclusion: {
    type: "enum",
    label: "Conclusion",
    values: ["feasible", "feasible-with-reinforcement", "not-feasible"],
    required: true
  },
  reportRef: { type: "string", label: "Report (document reference)", required: true, min: 1, max: 200 },
  completedOn: { type: "date", label: "Completed on", required: true }
}

/**
 * The operator's assessment of the request: whether it is a substantial modernisation, and the
 * connection it offers — voltage level, connection point, capacity, and the access point's code.
 *
 * @throws TemplateInvalid when `levels` is not a list of 1 to 30 voltage levels
 *
 * @since 0.1.0
 * @category fields
 */
export const connectionAssessmentFields = (levels: ReadonlyArray<string>): JsonObject => ({
  substantialModernisation: {
    type: "enum",
    label: "Substantial modernisation (the installation must then meet the current connection requirements)",
    values: ["yes", "no", "not-applicable"],
    required: true
  },
  voltageKv: voltage("Voltage level (kV)", levels, true),
  connectionPoint: {
    type: "object",
    label: "Connection point",
    required: true,
    fields: {
      substation: { type: "string", label: "Substation", required: true, min: 1, max: 100 },
      bay: { type: "string", label: "Bay / feeder", max: 50 }
    }
  },
  connectionCapacityMva: { type: "number", label: "Connection capacity (MVA)", required: true, min: 0, max: 10_000 },
  accessPoint: accessPoint("Access point (EAN-GSRN)", true)
})

/**
 * The installation described in the Connection Contract: its units and the protection and metering
 * schemes.
 *
 * @since 0.1.0
 * @category fields
 */
export const installationFields: JsonObject = {
  units: {
    type: "array",
    label: "Units",
    required: true,
    min: 1,
    max: 100,
    item: {
      type: "object",
      fields: {
        name: { type: "string", label: "Unit", required: true, min: 1, max: 100 },
        technology: {
          type: "enum",
          label: "Technology",
          values: ["load", "solar", "wind", "chp", "gas-turbine", "hydro", "battery", "other"],
          required: true
        },
        capacityMw: { type: "number", label: "Capacity (MW)", required: true, min: 0, max: 10_000 }
      }
    }
  },
  protectionSchemeRef: { type: "string", label: "Protection scheme (document reference)", required: true, max: 200 },
  meteringSchemeRef: { type: "string", label: "Metering scheme (document reference)", required: true, max: 200 }
}

/**
 * The ACH a grid user appoints for an access point: company, VAT, EIC party code, from when.
 *
 * @since 0.1.0
 * @category fields
 */
export const achAppointmentFields: JsonObject = {
  accessPoint: accessPoint("Access point (EAN-GSRN)", true),
  ach: {
    type: "object",
    label: "Access Contract Holder",
    required: true,
    fields: {
      legalName: { type: "string", label: "Company", required: true, min: 2, max: 200 },
      vat: { type: "string", label: "Enterprise / VAT number", required: true, validator: "be-vat" },
      eic: { type: "string", label: "EIC party code", required: true, validator: "eic:X" }
    }
  },
  from: { type: "date", label: "From", required: true }
}
