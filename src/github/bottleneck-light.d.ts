// plugin-throttling loads Bottleneck's light build (no Redis); it has the main build's API but ships no types.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck'
  export default Bottleneck
}
