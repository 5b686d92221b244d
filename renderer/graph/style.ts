// cytoscape styles for the topology: a dark default and a high-contrast palette for projectors
// (bigger type, thicker lines, pure colours), switched with presentation mode.

import type { StylesheetJson } from 'cytoscape';

export function graphStyle(contrast: boolean): StylesheetJson {
  const fg = contrast ? '#ffffff' : '#dfe6f2';
  const font = contrast ? 20 : 12;
  const line = contrast ? '#ffffff' : '#5b6b86';
  return [
    { selector: 'node', style: { label: 'data(label)', color: fg, 'font-size': font, 'text-valign': 'bottom', 'text-margin-y': 6, 'background-color': '#2f3b52', 'border-width': contrast ? 3 : 1.5, 'border-color': contrast ? '#ffffff' : '#8aa0c6', width: contrast ? 44 : 34, height: contrast ? 44 : 34, 'text-outline-color': '#000', 'text-outline-width': contrast ? 3 : 1.5 } },
    { selector: 'node.role-client', style: { shape: 'round-rectangle', 'background-color': contrast ? '#0050ff' : '#2b5d9c' } },
    { selector: 'node.role-loadbalancer', style: { shape: 'diamond', 'background-color': contrast ? '#ff6d00' : '#9c5a2b', width: contrast ? 56 : 44, height: contrast ? 56 : 44 } },
    { selector: 'node.role-router', style: { shape: 'hexagon', 'background-color': '#6b4c9a' } },
    { selector: 'node.role-server', style: { shape: 'rectangle', 'background-color': '#3d6b4c' } },
    { selector: 'node.role-k8s-node, node.role-k8s-control-plane', style: { shape: 'round-rectangle', 'background-color': contrast ? '#00a152' : '#2e6b57' } },
    { selector: 'node.role-pod', style: { shape: 'ellipse', width: contrast ? 30 : 22, height: contrast ? 30 : 22, 'background-color': contrast ? '#aa00ff' : '#7b4fb3', 'font-size': contrast ? 16 : 10 } },
    { selector: 'node.compound', style: { 'text-valign': 'top', 'text-margin-y': -4, 'background-opacity': 0.35, padding: '14px' } },
    { selector: 'node.cluster', style: { label: 'data(label)', 'text-valign': 'top', 'text-halign': 'center', 'background-color': contrast ? '#002b4d' : '#1b2a3d', 'background-opacity': 0.6, 'border-style': 'dashed', 'border-color': contrast ? '#40c4ff' : '#4d6a8f', 'border-width': contrast ? 3 : 1.5, shape: 'round-rectangle', padding: '24px', color: contrast ? '#40c4ff' : '#8fb3df' } },
    { selector: 'node.segment', style: { shape: 'rectangle', width: contrast ? 26 : 18, height: contrast ? 26 : 18, 'background-color': contrast ? '#ffffff' : '#8593ab', color: contrast ? '#ffffff' : '#9fb0cc', 'font-size': contrast ? 16 : 10 } },
    { selector: 'node.active', style: { 'border-color': contrast ? '#ffff00' : '#ffd166', 'border-width': contrast ? 6 : 4 } },
    { selector: 'node:selected', style: { 'border-color': '#4cc9f0', 'border-width': contrast ? 6 : 4 } },
    { selector: 'edge', style: { width: contrast ? 4 : 2, 'line-color': line, 'curve-style': 'bezier', label: 'data(label)', 'font-size': contrast ? 14 : 9, color: contrast ? '#ffffff' : '#93a4c2', 'text-rotation': 'autorotate', 'source-text-offset': 22, 'text-outline-color': '#000', 'text-outline-width': 1 } },
    { selector: 'edge.veth', style: { 'line-style': 'solid', 'line-color': contrast ? '#e040fb' : '#7b4fb3' } },
    { selector: 'edge.inner', style: { display: 'none' } },
    { selector: 'edge.virtual', style: { 'line-style': 'dashed', 'line-color': contrast ? '#ea80fc' : '#b388ff' } },
  ];
}
