// How clusterctl words a clusterctl-node master refusing after an empty restart (the node's
// empty-restart guard, INFO fencing empty_restart_*): status, start and restart say why and the ways out.

/** A master refusing after an empty restart (clusterctl-node's empty-restart guard): why, and the ways out. */
export function emptyRestartText(name: string, why: string): string {
  return (
    `came back empty and refuses to act as a master (${why}); its replicas keep their data. ` +
    `Let the sentinels fail it over, make it a replica (\`clusterctl exec ${name} -- REPLICAOF 127.0.0.1 PORT\`), ` +
    `or accept the empty dataset (\`clusterctl exec ${name} -- CONFIG SET empty-restart-guard no\`)`
  );
}
