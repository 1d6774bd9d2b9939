/**
 * Functional interfaces whose lambdas are serializable, so that a task and the arguments it captures
 * can be sent to another process.
 */
package org.multiprocessing4j.function;
