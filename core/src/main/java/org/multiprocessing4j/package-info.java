/**
 * Python's {@code multiprocessing}, in Java: {@link org.multiprocessing4j.Process} runs a task in a
 * child JVM, with Python's names and semantics, and what Java adds: children never outlive their
 * parent, and nothing is left behind.
 */
package org.multiprocessing4j;
