import { suite } from "../../src/testing.js"
import { storesTheWrongThing } from "./adapters.js"

const broken = storesTheWrongThing()
suite("storesTheWrongThing", broken.layer, broken.inspect)
