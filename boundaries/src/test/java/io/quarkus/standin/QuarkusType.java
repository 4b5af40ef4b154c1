package io.quarkus.standin;

/** Stands in for a Quarkus class in the rules' own tests. */
public class QuarkusType {}
