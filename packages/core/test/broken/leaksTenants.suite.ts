import { suite } from "../../src/testing.js"
import { leaksTenants } from "./adapters.js"

const broken = leaksTenants()
suite("leaksTenants", broken.layer, broken.inspect)
