import { suite } from "../../src/testing.js"
import { slowLayer } from "./adapters.js"

const broken = slowLayer()
suite("slowLayer", broken.layer, broken.inspect, { timeout: 5000 })
