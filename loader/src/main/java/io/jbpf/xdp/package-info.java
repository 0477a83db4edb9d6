/**
 * Several XDP programs on one interface through libxdp's multi-program dispatcher protocol
 * (version 2), so that jbpf and xdp-tools ({@code xdp-loader}) see and keep each other's programs:
 * {@link io.jbpf.xdp.XdpMultiprog} adds, lists and removes programs; {@link io.jbpf.xdp.RunConfig}
 * is a program's run priority and chain-call actions; {@link io.jbpf.xdp.DispatcherConfig} the
 * dispatcher's configuration as the kernel holds it.
 */
package io.jbpf.xdp;
