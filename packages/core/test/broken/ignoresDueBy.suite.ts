import { suite } from "../../src/testing.js"
import { ignoresDueBy } from "./adapters.js"

const broken = ignoresDueBy()
suite("ignoresDueBy", broken.layer, broken.inspect)
