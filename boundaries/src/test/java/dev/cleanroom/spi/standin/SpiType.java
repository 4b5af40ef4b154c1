package dev.cleanroom.spi.standin;

/** Stands in for an SPI class in the rules' own tests. */
public class SpiType {}
