// Package temporalclient builds the Temporal SDK client from plain options: address,
// namespace, identity, TLS or mTLS files and an API key file. The config package maps the
// operator's settings onto Options; nothing here reads flags or environment variables.
package temporalclient
