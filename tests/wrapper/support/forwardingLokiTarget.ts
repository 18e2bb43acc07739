import { httpGetJson } from './forwardingTarget';
import { LokiHttpTarget } from './lokiHttpTarget';

/** The Loki target of the jest tests: LokiHttpTarget over node's http, talking to the fake Loki at `lokiUrl`. */
export class ForwardingLokiTarget extends LokiHttpTarget {
  constructor(lokiUrl: string, uid = 'loki') {
    super(lokiUrl, httpGetJson, uid);
  }
}
