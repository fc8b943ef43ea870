import { suite } from "../../src/testing.js"
import { failingCheck } from "./adapters.js"

const broken = failingCheck()
suite("failingCheck", broken.layer, broken.inspect)
