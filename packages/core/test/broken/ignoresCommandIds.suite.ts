import { suite } from "../../src/testing.js"
import { ignoresCommandIds } from "./adapters.js"

const broken = ignoresCommandIds()
suite("ignoresCommandIds", broken.layer, broken.inspect)
