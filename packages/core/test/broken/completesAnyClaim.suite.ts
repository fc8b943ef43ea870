import { outboxSuite } from "../../src/testing.js"
import { completesAnyClaim } from "./adapters.js"

const broken = completesAnyClaim()
outboxSuite("completesAnyClaim", broken.layer, broken.inspect)
