import { suite } from "../../src/testing.js"
import { ignoresExpectedVersions } from "./adapters.js"

const broken = ignoresExpectedVersions()
suite("ignoresExpectedVersions", broken.layer, broken.inspect)
