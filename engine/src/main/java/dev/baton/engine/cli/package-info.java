/**
 * The engine's command line ({@code bin/baton generate|inspect|quantize|synth|bench|...}): {@link
 * dev.baton.engine.cli.BatonCli} dispatches to one {@link dev.baton.engine.cli.CliCommand} per subcommand. Commands
 * only parse arguments and print; the work lives in the engine packages they call.
 */
package dev.baton.engine.cli;
